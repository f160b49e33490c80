// Package store keeps users and orders in memory.
package store

import (
	"errors"
	"sync"

	"example.com/shop/models"
)

// ErrNotFound is returned for unknown ids.
var ErrNotFound = errors.New("not found")

// Store is a concurrency-safe in-memory store.
type Store struct {
	mu     sync.RWMutex
	users  map[int64]*models.User
	orders map[int64]*models.Order
}

// New returns an empty store.
func New() *Store {
	return &Store{users: map[int64]*models.User{}, orders: map[int64]*models.Order{}}
}

// FindUser returns the user with the given id.
func (s *Store) FindUser(id int64) (*models.User, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	u, ok := s.users[id]
	if !ok {
		return nil, ErrNotFound
	}
	return u, nil
}

// PlaceOrder records an order for a user and returns its id.
func (s *Store) PlaceOrder(userID int64, total models.Cents) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.users[userID]
	if !ok {
		return 0, ErrNotFound
	}
	o := &models.Order{ID: int64(len(s.orders) + 1), UserID: userID, Total: total}
	s.orders[o.ID] = o
	u.Orders = append(u.Orders, *o)
	return o.ID, nil
}
