package export

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/sgwiz/sgwiz/model"
)

// The files sgwiz reads and writes: plan files and exports.

// ErrExists is returned by WriteFile when the file exists and force is false.
var ErrExists = errors.New("file exists")

// WriteFile writes data to path atomically: readers see the old file or the
// new one, never a part. The file gets perm less the umask, as any new
// file does. An existing file is replaced only when force is set;
// otherwise the error wraps ErrExists and says how to replace it. A
// symbolic link is followed: the file it points to is written. A device, a
// pipe or a terminal (-o /dev/stdout) is written in place, never replaced.
//
// The data is written to a file with no name (O_TMPFILE where the system
// has it), which is linked into place when complete, so a process killed
// while writing leaves nothing behind.
func WriteFile(path string, data []byte, perm os.FileMode, force bool) error {
	// What the path names, through any links: a device, a pipe or a
	// terminal (/dev/stdout, /dev/null, a FIFO) is written in place, never
	// replaced by a file; a socket is refused.
	if fi, err := os.Stat(path); err == nil {
		switch m := fi.Mode(); {
		case m.IsDir():
			return fmt.Errorf("%s is a folder: give a file name, such as %s", path, filepath.Join(path, "sg"+filepath.Ext(path)))
		case m&fs.ModeSocket != 0:
			return fmt.Errorf("%s is a socket, not a file: give a file name", path)
		case !m.IsRegular():
			return writeInPlace(path, data)
		}
	}
	target, err := followLinks(path)
	if err != nil {
		return err
	}
	dir := filepath.Dir(target)
	f, err := createUnnamed(dir, perm)
	if err != nil {
		return fmt.Errorf("cannot write in %s: %w", dir, err)
	}
	defer f.close()
	if _, err := f.Write(data); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	beforeLink()
	if !force {
		// A link never replaces an existing file: the check and the write
		// are one step.
		switch err := f.linkTo(target); {
		case err == nil:
			return nil
		case errors.Is(err, fs.ErrExist):
			return fmt.Errorf("%s %w: choose another path, or add --force to replace it", target, ErrExists)
		default:
			return fmt.Errorf("writing %s: %w", path, err)
		}
	}
	tmp, err := f.linkNamed(dir)
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := os.Rename(tmp, target); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

// writeInPlace writes to a device, a pipe or a terminal as it is.
func writeInPlace(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return fmt.Errorf("cannot write %s: %w", path, err)
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return f.Close()
}

// beforeLink is called when the data is written and not yet linked into
// place; tests stop there to kill the process.
var beforeLink = func() {}

// followLinks returns the file path names after following symbolic links,
// also one whose target does not exist yet.
func followLinks(path string) (string, error) {
	for range 40 {
		fi, err := os.Lstat(path)
		if err != nil || fi.Mode()&fs.ModeSymlink == 0 {
			return path, nil
		}
		to, err := os.Readlink(path)
		if err != nil {
			return "", fmt.Errorf("cannot read the link %s: %w", path, err)
		}
		if !filepath.IsAbs(to) {
			to = filepath.Join(filepath.Dir(path), to)
		}
		path = to
	}
	return "", fmt.Errorf("%s: too many levels of symbolic links: give the file's real path", path)
}

// tempName is a fresh hidden name in dir.
func tempName(dir string) string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return filepath.Join(dir, ".sgwiz-"+hex.EncodeToString(b)+".tmp")
}

// unnamed is a file being written: on Linux one without a name
// (O_TMPFILE), elsewhere a hidden temporary file removed on close.
type unnamed struct {
	*os.File
	name string // "" while the file has no name
}

// createNamed makes the hidden temporary file, where there is no O_TMPFILE.
func createNamed(dir string, perm os.FileMode) (*unnamed, error) {
	name := tempName(dir)
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm.Perm())
	if err != nil {
		return nil, err
	}
	return &unnamed{File: f, name: name}, nil
}

// linkNamed gives the file a temporary name in dir, to rename over a file.
func (u *unnamed) linkNamed(dir string) (string, error) {
	if u.name != "" {
		name := u.name
		u.name = "" // renamed into place by the caller: not removed on close
		return name, nil
	}
	name := tempName(dir)
	return name, u.linkTo(name)
}

func (u *unnamed) close() {
	u.File.Close()
	if u.name != "" {
		os.Remove(u.name)
	}
}

// FileMode is the kind of file an export is: a script is executable.
type FileMode uint8

// The kinds of file sgwiz writes.
const (
	PlainFile FileMode = iota
	Executable
)

// ModeOf is the kind of file format f writes.
func ModeOf(f Format) FileMode {
	if f == AWSCLI {
		return Executable
	}
	return PlainFile
}

// Perm is the permission bits WriteFile gives such a file (less the umask).
func (m FileMode) Perm() os.FileMode {
	if m == Executable {
		return 0o755
	}
	return 0o644
}

// ReadPlanFile reads and parses a plan file, reading at most one byte past
// model.MaxPlanFileSize, so that /dev/zero or a huge file ends at once with
// ParsePlan's message. Errors name the file. @names are read from book.
func ReadPlanFile(path string, book model.AddressBook) (model.Plan, []string, error) {
	f, err := os.Open(path)
	if err != nil {
		return model.Plan{}, nil, fmt.Errorf("cannot read the plan file: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, model.MaxPlanFileSize+1))
	if err != nil {
		return model.Plan{}, nil, fmt.Errorf("cannot read the plan file %s: %w", path, err)
	}
	p, warnings, err := model.ParsePlanWith(data, book)
	if err != nil {
		return model.Plan{}, warnings, fmt.Errorf("%s:\n%w", path, err)
	}
	return p, warnings, nil
}
