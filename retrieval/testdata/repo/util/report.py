"""Print a sales report from a list of orders."""

from util.money import Ledger, format_dollars


def sales_report(orders):
    ledger = Ledger()
    for order_id, cents in orders:
        ledger.record(order_id, cents)
    total = ledger.total_dollars()
    return "total sales: " + format_dollars(total)


def largest_order(orders):
    order_id, cents = max(orders, key=lambda o: o[1])
    return order_id, format_dollars(cents_to_dollars(cents))
