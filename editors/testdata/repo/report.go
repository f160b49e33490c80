package inventory

import (
	"fmt"
	"io"
)

// Report writes one line per item and the total value.
func Report(w io.Writer, s *Store) error {
	for _, name := range s.Names() {
		item, err := s.Get(name)
		if err != nil {
			return err
		}
		if _, err := fmt.Fprintf(w, "%-20s %8.2f %5d\n", item.Name, item.Price, item.Quantity); err != nil {
			return err
		}
	}
	if _, err := fmt.Fprintf(w, "%-20s %8.2f\n", "total", s.Total()); err != nil {
		return err
	}
	return nil
}

// Restock adds quantity to the item called name.
func Restock(s *Store, name string, quantity int) error {
	item, err := s.Get(name)
	if err != nil {
		return err
	}
	item.Quantity += quantity
	return nil
}

// Sell takes quantity of the item called name out of stock.
func Sell(s *Store, name string, quantity int) error {
	item, err := s.Get(name)
	if err != nil {
		return err
	}
	if item.Quantity < quantity {
		return fmt.Errorf("sell %q: only %d in stock", name, item.Quantity)
	}
	item.Quantity -= quantity
	return nil
}
