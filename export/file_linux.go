package export

import (
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

func createUnnamed(dir string, perm os.FileMode) (*unnamed, error) {
	fd, err := unix.Open(dir, unix.O_TMPFILE|unix.O_WRONLY|unix.O_CLOEXEC, uint32(perm.Perm()))
	if err == nil {
		return &unnamed{File: os.NewFile(uintptr(fd), dir)}, nil
	}
	if !errors.Is(err, unix.EOPNOTSUPP) && !errors.Is(err, unix.EISDIR) && !errors.Is(err, unix.EINVAL) {
		return nil, &os.PathError{Op: "open", Path: dir, Err: err}
	}
	return createNamed(dir, perm)
}

// linkTo gives the file the name target; it fails with fs.ErrExist when
// target exists.
func (u *unnamed) linkTo(target string) error {
	if u.name != "" {
		return os.Link(u.name, target)
	}
	err := unix.Linkat(unix.AT_FDCWD, fmt.Sprintf("/proc/self/fd/%d", u.Fd()), unix.AT_FDCWD, target, unix.AT_SYMLINK_FOLLOW)
	if err != nil {
		return &os.LinkError{Op: "link", Old: u.Name(), New: target, Err: err}
	}
	return nil
}
