package demoidp

import (
	"context"
	"errors"
	"time"

	"github.com/ory/fosite"
)

// rotatedGrace is how long a rotated-out refresh token is remembered. Within
// it, using the token again is detected as reuse and revokes its family
// (RFC 9700 section 4.14.2); after it, the token is simply unknown
// (invalid_grant either way). Without a bound, every refresh of a long
// session would leave one more token in memory.
const rotatedGrace = time.Minute

// refreshIssued is a refresh token the store has handed out.
type refreshIssued struct {
	signature string
	at        time.Time
}

// CreateRefreshTokenSession stores a new refresh token and forgets the ones
// rotated out more than rotatedGrace ago.
func (p *parStore) CreateRefreshTokenSession(ctx context.Context, signature, accessSignature string, req fosite.Requester) error {
	if err := p.MemoryStore.CreateRefreshTokenSession(ctx, signature, accessSignature, req); err != nil {
		return err
	}
	now := time.Now()
	p.mu.Lock()
	issued := append(p.issued, refreshIssued{signature, now})
	p.issued = nil
	p.mu.Unlock()
	var keep []refreshIssued
	for _, r := range issued {
		if now.Sub(r.at) < p.grace() {
			keep = append(keep, r)
			continue
		}
		_, err := p.MemoryStore.GetRefreshTokenSession(ctx, r.signature, nil)
		switch {
		case errors.Is(err, fosite.ErrInactiveToken):
			_ = p.MemoryStore.DeleteRefreshTokenSession(ctx, r.signature)
		case errors.Is(err, fosite.ErrNotFound):
		default: // still active: the current token of its family
			keep = append(keep, r)
		}
	}
	p.mu.Lock()
	p.issued = append(keep, p.issued...)
	p.mu.Unlock()
	return nil
}

// grace is rotatedGrace, or the shorter one a test set.
func (p *parStore) grace() time.Duration {
	if p.testGrace > 0 {
		return p.testGrace
	}
	return rotatedGrace
}
