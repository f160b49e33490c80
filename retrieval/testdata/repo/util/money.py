"""Money helpers shared by the reporting scripts."""

from decimal import Decimal, ROUND_HALF_EVEN


def cents_to_dollars(cents):
    """Convert an integer amount of cents to a Decimal of dollars."""
    return (Decimal(cents) / 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)


def format_dollars(amount, currency_symbol="$"):
    """Format a Decimal amount with a currency symbol and thousands separators."""
    return f"{currency_symbol}{amount:,.2f}"


class Ledger:
    """A running total of order amounts."""

    def __init__(self):
        self.entries = []

    def record(self, order_id, cents):
        self.entries.append((order_id, cents))

    def total_dollars(self):
        return cents_to_dollars(sum(cents for _, cents in self.entries))
