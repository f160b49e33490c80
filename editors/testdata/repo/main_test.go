package inventory

import (
	"bytes"
	"errors"
	"testing"
)

func TestStore(t *testing.T) {
	s := NewStore()
	if err := s.Add(&Item{Name: "apple", Price: 0.5, Quantity: 10}); err != nil {
		t.Fatal(err)
	}
	if err := s.Add(&Item{Name: "pear", Price: 0.75, Quantity: 4}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get("plum"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get(plum) = %v, want ErrNotFound", err)
	}
	if err := Sell(s, "apple", 3); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := Report(&buf, s); err != nil {
		t.Fatal(err)
	}
}
