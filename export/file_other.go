//go:build !linux

package export

import "os"

func createUnnamed(dir string, perm os.FileMode) (*unnamed, error) { return createNamed(dir, perm) }

func (u *unnamed) linkTo(target string) error { return os.Link(u.name, target) }
