package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/netip"
	"os"
	"path/filepath"
	"slices"

	"github.com/sgwiz/sgwiz/model"
)

// The config file: $SGWIZ_CONFIG, else $XDG_CONFIG_HOME/sgwiz/config.yaml,
// else ~/.config/sgwiz/config.yaml. It holds the address book.

// configPath is where the config file is looked for.
func configPath() string {
	if p := os.Getenv("SGWIZ_CONFIG"); p != "" {
		return p
	}
	dir := os.Getenv("XDG_CONFIG_HOME")
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return ""
		}
		dir = filepath.Join(home, ".config")
	}
	return filepath.Join(dir, "sgwiz", "config.yaml")
}

// loadAddressBook reads the config file's address book; no file is an
// empty book, a broken one an error naming the file and the line. Notes
// say what was accepted but changed (host bits cleared).
func loadAddressBook() (book model.AddressBook, notes []string, err error) {
	path := configPath()
	if path == "" {
		return model.AddressBook{}, nil, nil
	}
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return model.AddressBook{}, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("the config file: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, 1<<20))
	if err != nil {
		return nil, nil, fmt.Errorf("the config file %s: %w", path, err)
	}
	book, found, err := model.ParseAddressBookNoting(data)
	if err != nil {
		return nil, nil, fmt.Errorf("the config file %s: %w", path, err)
	}
	for _, n := range found {
		notes = append(notes, "the config file "+path+": "+n)
	}
	return book, notes, nil
}

// bookFor is the address book when a value names one of its sets (@name),
// else an empty book: a broken config file matters only to who uses it.
func bookFor(values []string) (model.AddressBook, []string, error) {
	if slices.ContainsFunc(values, model.IsAddressRef) {
		return loadAddressBook()
	}
	return model.AddressBook{}, nil, nil
}

// cidrFlag reads a flag's CIDRs and bare addresses (/32, /128) and its
// @names (all the set's CIDRs); notes say what was changed (host bits).
// Errors are model.FieldErrors naming the flag, but for a broken config
// file.
func cidrFlag(flag string, values []string) (prefixes []netip.Prefix, notes []string, err error) {
	book, notes, err := bookFor(values)
	if err != nil {
		return nil, nil, err
	}
	for _, v := range values {
		if model.IsAddressRef(v) {
			set, err := book.Resolve(v)
			if err != nil {
				return nil, nil, &model.FieldError{Field: flag, Msg: err.Error()}
			}
			prefixes = append(prefixes, set...)
			continue
		}
		p, note, err := model.ParseCIDR(v)
		if err != nil {
			return nil, nil, &model.FieldError{Field: flag, Msg: err.Error()}
		}
		if note != "" {
			notes = append(notes, flag+": "+note)
		}
		prefixes = append(prefixes, p)
	}
	return prefixes, notes, nil
}

// placeFlag is cidrFlag for a flag that names a place (an office, a
// person): everyone (0.0.0.0/0, ::/0, or half the internet in pieces) is
// refused, saying what to give.
func placeFlag(flag string, values []string) ([]netip.Prefix, []string, error) {
	prefixes, notes, err := cidrFlag(flag, values)
	if what, ok := model.Everyone(prefixes); ok && err == nil {
		err = &model.FieldError{Field: flag, Msg: what + ", not an office or a person: give their address"}
	}
	return prefixes, notes, err
}

// peerFlag reads a flag of sources or destinations outside the plan:
// CIDRs, sg-… and pl-… ids, @names. A group of the plan (group:NAME) is
// refused with inPlan, which says what to give instead.
func peerFlag(flag string, values []string, inPlan string) (peers []model.Peer, notes []string, err error) {
	book, notes, err := bookFor(values)
	if err != nil {
		return nil, nil, err
	}
	for _, v := range values {
		if model.IsAddressRef(v) {
			set, err := book.Resolve(v)
			if err != nil {
				return nil, nil, &model.FieldError{Field: flag, Msg: err.Error()}
			}
			for _, c := range set {
				peers = append(peers, model.CIDR(c))
			}
			continue
		}
		p, note, err := model.ParsePeer(v)
		switch {
		case err != nil:
			return nil, nil, &model.FieldError{Field: flag, Msg: err.Error()}
		case p.Kind() == model.PeerGroup:
			return nil, nil, &model.FieldError{Field: flag, Msg: inPlan}
		case note != "":
			notes = append(notes, flag+": "+note)
		}
		peers = append(peers, p)
	}
	return peers, notes, nil
}
