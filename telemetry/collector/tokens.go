package collector

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Token roles: a member uploads events and may view; a viewer only views.
const (
	RoleMember = "member"
	RoleViewer = "viewer"
)

// ErrBadToken: the token is malformed, unknown, revoked or wrong.
var ErrBadToken = errors.New("invalid or revoked token")

// TokenInfo describes a stored token (never the token itself).
type TokenInfo struct {
	ID, Name, Team, Role string
	Created              time.Time
	Revoked              time.Time // zero while valid
}

const tokenPrefix = "glt_"

// hashToken is what the store keeps: the SHA-256 of the whole token. The
// secret has 256 random bits, so no salt or slow hash is needed.
func hashToken(tok string) string {
	h := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(h[:])
}

// AddToken creates a token for name (a member, or a viewer) in team and
// returns it; it is shown once and only its hash is stored.
func (s *Store) AddToken(ctx context.Context, name, team, role string) (string, TokenInfo, error) {
	if name == "" || len(name) > maxNameLen || !validName(name) || len(team) > maxNameLen || !validName(team) {
		return "", TokenInfo{}, fmt.Errorf("token name %q / team %q: want 1..%d printable characters", name, team, maxNameLen)
	}
	if role != RoleMember && role != RoleViewer {
		return "", TokenInfo{}, fmt.Errorf("token role %q: want %s or %s", role, RoleMember, RoleViewer)
	}
	var idb [8]byte
	var secret [32]byte
	if _, err := rand.Read(idb[:]); err != nil {
		return "", TokenInfo{}, fmt.Errorf("random: %w", err)
	}
	if _, err := rand.Read(secret[:]); err != nil {
		return "", TokenInfo{}, fmt.Errorf("random: %w", err)
	}
	info := TokenInfo{ID: hex.EncodeToString(idb[:]), Name: name, Team: team, Role: role, Created: time.Now().UTC()}
	tok := tokenPrefix + info.ID + "_" + base64.RawURLEncoding.EncodeToString(secret[:])
	_, err := s.w.ExecContext(ctx, s.d.rebind(`INSERT INTO tokens (id, name, team, role, hash, created_ms) VALUES (?, ?, ?, ?, ?, ?)`),
		info.ID, name, team, role, hashToken(tok), info.Created.UnixMilli())
	if err != nil {
		return "", TokenInfo{}, fmt.Errorf("store token: %w", err)
	}
	return tok, info, nil
}

// ListTokens lists every token, revoked ones included.
func (s *Store) ListTokens(ctx context.Context) ([]TokenInfo, error) {
	rs, err := s.r.QueryContext(ctx, `SELECT id, name, team, role, created_ms, revoked_ms FROM tokens ORDER BY team, name, created_ms`)
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	defer rs.Close()
	var out []TokenInfo
	for rs.Next() {
		var t TokenInfo
		var created int64
		var revoked sql.NullInt64
		if err := rs.Scan(&t.ID, &t.Name, &t.Team, &t.Role, &created, &revoked); err != nil {
			return nil, fmt.Errorf("list tokens: %w", err)
		}
		t.Created = time.UnixMilli(created).UTC()
		if revoked.Valid {
			t.Revoked = time.UnixMilli(revoked.Int64).UTC()
		}
		out = append(out, t)
	}
	return out, rs.Err()
}

// RevokeToken revokes the token with this id, or every token of the member
// or viewer with this name; it returns how many it revoked.
func (s *Store) RevokeToken(ctx context.Context, idOrName string) (int, error) {
	r, err := s.w.ExecContext(ctx, s.d.rebind(`UPDATE tokens SET revoked_ms = ? WHERE (id = ? OR name = ?) AND revoked_ms IS NULL`),
		time.Now().UnixMilli(), idOrName, idOrName)
	if err != nil {
		return 0, fmt.Errorf("revoke token: %w", err)
	}
	n, err := r.RowsAffected()
	return int(n), err
}

// Authenticate returns the member a token belongs to. The secret is
// checked by comparing hashes in constant time; an unknown id costs the
// same comparison, so timing tells nothing about which ids exist.
func (s *Store) Authenticate(ctx context.Context, tok string) (Member, error) {
	id, _, ok := strings.Cut(strings.TrimPrefix(tok, tokenPrefix), "_")
	if !strings.HasPrefix(tok, tokenPrefix) || !ok || len(id) != 16 {
		return Member{}, ErrBadToken
	}
	var m Member
	var hash string
	var revoked sql.NullInt64
	err := s.r.QueryRowContext(ctx, s.d.rebind(`SELECT name, team, role, hash, revoked_ms FROM tokens WHERE id = ?`), id).
		Scan(&m.Name, &m.Team, &m.Role, &hash, &revoked)
	if errors.Is(err, sql.ErrNoRows) {
		hash = strings.Repeat("0", 64)
	} else if err != nil {
		return Member{}, fmt.Errorf("look up token: %w", err)
	}
	match := subtle.ConstantTimeCompare([]byte(hashToken(tok)), []byte(hash)) == 1
	if !match || err != nil || revoked.Valid {
		return Member{}, ErrBadToken
	}
	m.TokenID = id
	return m, nil
}

// SetTeam stores a team's settings: hideMembers shows its members on the
// page only in aggregate.
func (s *Store) SetTeam(ctx context.Context, team string, hideMembers bool) error {
	hide := 0
	if hideMembers {
		hide = 1
	}
	_, err := s.w.ExecContext(ctx, s.d.rebind(`INSERT INTO teams (name, hide_members) VALUES (?, ?)
		ON CONFLICT (name) DO UPDATE SET hide_members = excluded.hide_members`), team, hide)
	if err != nil {
		return fmt.Errorf("set team %q: %w", team, err)
	}
	return nil
}

// hiddenTeams are the teams whose members are shown only in aggregate.
func (s *Store) hiddenTeams(ctx context.Context) (map[string]bool, error) {
	rs, err := s.r.QueryContext(ctx, `SELECT name FROM teams WHERE hide_members <> 0`)
	if err != nil {
		return nil, fmt.Errorf("read teams: %w", err)
	}
	defer rs.Close()
	out := map[string]bool{}
	for rs.Next() {
		var n string
		if err := rs.Scan(&n); err != nil {
			return nil, fmt.Errorf("read teams: %w", err)
		}
		out[n] = true
	}
	return out, rs.Err()
}
