// Package api serves the shop over HTTP.
package api

import (
	"encoding/json"
	"net/http"
	"strconv"

	"example.com/shop/models"
	"example.com/shop/store"
)

// Handler serves users and orders.
type Handler struct {
	Store *store.Store
}

// ServeUser writes the user named by the id query parameter as JSON.
func (h *Handler) ServeUser(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.URL.Query().Get("id"), 10, 64)
	if err != nil {
		http.Error(w, "bad id", http.StatusBadRequest)
		return
	}
	u, err := h.Store.FindUser(id)
	if err != nil {
		http.Error(w, err.Error(), http.StatusNotFound)
		return
	}
	json.NewEncoder(w).Encode(u)
}

// ServeOrder places an order for the user and amount in the query.
func (h *Handler) ServeOrder(w http.ResponseWriter, r *http.Request) {
	userID, err := strconv.ParseInt(r.URL.Query().Get("user"), 10, 64)
	if err != nil {
		http.Error(w, "bad user", http.StatusBadRequest)
		return
	}
	cents, err := strconv.ParseInt(r.URL.Query().Get("cents"), 10, 64)
	if err != nil {
		http.Error(w, "bad amount", http.StatusBadRequest)
		return
	}
	id, err := h.Store.PlaceOrder(userID, models.Cents(cents))
	if err != nil {
		http.Error(w, err.Error(), http.StatusNotFound)
		return
	}
	json.NewEncoder(w).Encode(map[string]int64{"order": id})
}
