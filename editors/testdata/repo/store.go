// Package inventory keeps items in stock and their prices.
package inventory

import (
	"errors"
	"fmt"
	"sort"
)

// ErrNotFound is returned when an item is not in the store.
var ErrNotFound = errors.New("item not found")

// Item is one product line.
type Item struct {
	Name     string
	Price    float64
	Quantity int
}

// Store holds items by name.
type Store struct {
	items map[string]*Item
}

// NewStore returns an empty store.
func NewStore() *Store {
	return &Store{items: map[string]*Item{}}
}

// Add puts an item into the store, replacing one with the same name.
func (s *Store) Add(item *Item) error {
	if item == nil {
		return errors.New("nil item")
	}
	if item.Name == "" {
		return errors.New("item without a name")
	}
	s.items[item.Name] = item
	return nil
}

// Get returns the item called name.
func (s *Store) Get(name string) (*Item, error) {
	item, ok := s.items[name]
	if !ok {
		return nil, fmt.Errorf("get %q: %w", name, ErrNotFound)
	}
	return item, nil
}

// Remove deletes the item called name.
func (s *Store) Remove(name string) error {
	if _, ok := s.items[name]; !ok {
		return fmt.Errorf("remove %q: %w", name, ErrNotFound)
	}
	delete(s.items, name)
	return nil
}

// Names returns the names of all items, sorted.
func (s *Store) Names() []string {
	names := make([]string, 0, len(s.items))
	for name := range s.items {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// Total returns the value of everything in stock.
func (s *Store) Total() float64 {
	total := 0.0
	for _, item := range s.items {
		total += item.Price * float64(item.Quantity)
	}
	return total
}
