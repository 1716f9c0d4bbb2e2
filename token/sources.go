package token

import (
	"context"
	"errors"
	"strings"
)

// JoinKeySources returns a KeySource that asks each source in turn and
// offers all their keys; nil sources are ignored. An error from one source
// is returned only when no source produced a key.
func JoinKeySources(sources ...KeySource) KeySource {
	var list multiSource
	for _, s := range sources {
		if s != nil {
			list = append(list, s)
		}
	}
	switch len(list) {
	case 0:
		return nil
	case 1:
		return list[0]
	}
	return list
}

type multiSource []KeySource

func (m multiSource) Lookup(ctx context.Context, kid string) (KeyLookup, error) {
	var out KeyLookup
	var origins []string
	var errs []error
	for _, s := range m {
		l, err := s.Lookup(ctx, kid)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		l = DropRemoteSymmetric(l) // the merged lookup no longer tells which keys came from the network
		out.Keys = append(out.Keys, l.Keys...)
		out.Skipped = append(out.Skipped, l.Skipped...)
		origins = append(origins, l.Origin)
	}
	out.Origin = strings.Join(origins, " + ")
	if len(out.Keys) == 0 && len(errs) > 0 {
		return out, errors.Join(errs...)
	}
	return out, nil
}
