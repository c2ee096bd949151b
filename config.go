package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

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
// empty book, a broken one an error naming the file and the line.
func loadAddressBook() (model.AddressBook, error) {
	path := configPath()
	if path == "" {
		return model.AddressBook{}, nil
	}
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return model.AddressBook{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("the config file: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("the config file %s: %w", path, err)
	}
	book, err := model.ParseAddressBook(data)
	if err != nil {
		return nil, fmt.Errorf("the config file %s: %w", path, err)
	}
	return book, nil
}
