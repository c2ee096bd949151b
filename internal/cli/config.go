package cli

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
func (e *Env) configPath() string {
	if p := e.getenv("SGWIZ_CONFIG"); p != "" {
		return p
	}
	dir := e.getenv("XDG_CONFIG_HOME")
	if dir == "" {
		home := e.getenv("HOME")
		if home == "" {
			return ""
		}
		dir = filepath.Join(home, ".config")
	}
	return filepath.Join(dir, "sgwiz", "config.yaml")
}

// addressBook is the config file's address book, read once however many
// flags name it, its notes given to the first caller only (so they are
// said once); no file is an empty book, a
// broken one an error naming the file and the line. Notes say what was
// accepted but changed (host bits cleared).
func (e *Env) addressBook() (model.AddressBook, []string, error) {
	e.book.once.Do(func() { e.book.book, e.book.notes, e.book.err = e.readAddressBook() })
	e.book.mu.Lock()
	defer e.book.mu.Unlock()
	notes := e.book.notes
	e.book.notes = nil // said once, to the first who asks
	return e.book.book, notes, e.book.err
}

func (e *Env) readAddressBook() (book model.AddressBook, notes []string, err error) {
	path := e.configPath()
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
func (e *Env) bookFor(values []string) (model.AddressBook, []string, error) {
	if slices.ContainsFunc(model.SplitList(values...), model.IsAddressRef) {
		return e.addressBook()
	}
	return model.AddressBook{}, nil, nil
}

// placeFlag reads a flag that names places (an office, a person) with
// model.ParsePlaces: CIDRs, bare addresses, @names; never everyone. Notes
// and hints come back in the flag's words. Errors are model.FieldErrors
// naming the flag, but for a broken config file.
func (e *Env) placeFlag(flag string, values []string) ([]netip.Prefix, []string, error) {
	book, notes, err := e.bookFor(values)
	if err != nil {
		return nil, nil, err
	}
	l, err := model.ParsePlaces(book, values...)
	if err != nil {
		return nil, nil, &model.FieldError{Field: flag, Msg: err.Error()}
	}
	return l.Prefixes(), append(notes, flagNotes(flag, l)...), nil
}

// peerFlag reads a flag of sources or destinations outside the plan with
// model.ParsePeers: CIDRs, sg-… and pl-… ids, @names. A group of the plan
// (group:NAME) is refused with inPlan, which says what to give instead.
func (e *Env) peerFlag(flag string, values []string, inPlan string) ([]model.Peer, []string, error) {
	book, notes, err := e.bookFor(values)
	if err != nil {
		return nil, nil, err
	}
	l, err := model.ParsePeers(book, values...)
	if err != nil {
		return nil, nil, &model.FieldError{Field: flag, Msg: err.Error()}
	}
	peers := l.Peers()
	if slices.ContainsFunc(peers, func(p model.Peer) bool { return p.Kind() == model.PeerGroup }) {
		return nil, nil, &model.FieldError{Field: flag, Msg: inPlan}
	}
	return peers, append(notes, flagNotes(flag, l)...), nil
}

// flagNotes are a list's notes and hints, each led by the flag.
func flagNotes(flag string, l model.AddressList) []string {
	var out []string
	for _, n := range slices.Concat(l.Notes, l.Hints) {
		out = append(out, flag+": "+n)
	}
	return out
}
