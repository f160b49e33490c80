// Package models holds the shop's data types.
package models

import "time"

// User is a customer account.
type User struct {
	ID        int64
	Email     string
	CreatedAt time.Time
	Orders    []Order
}

// Order is one purchase.
type Order struct {
	ID      int64
	UserID  int64
	Total   Cents
	Placed  time.Time
	Shipped bool
}

// Cents is an amount of money in cents.
type Cents int64

// Dollars formats c as dollars.
func (c Cents) Dollars() float64 { return float64(c) / 100 }
