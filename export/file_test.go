package export

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestWriteFileHonoursTheUmask(t *testing.T) {
	old := syscall.Umask(0o027)
	defer syscall.Umask(old)
	path := filepath.Join(t.TempDir(), "create.sh")
	if err := WriteFile(path, []byte("#!/bin/sh\n"), 0o755, false); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o750 {
		t.Errorf("mode %v: 0755 less the umask 027 is 0750", fi.Mode().Perm())
	}
}

func TestWriteFileReplacesOnlyWithForce(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sg.tf")
	if err := WriteFile(path, []byte("one"), 0o644, false); err != nil {
		t.Fatal(err)
	}
	err := WriteFile(path, []byte("two"), 0o644, false)
	if !errors.Is(err, ErrExists) || !strings.Contains(err.Error(), "--force") {
		t.Fatalf("an existing file needs --force: %v", err)
	}
	if err := WriteFile(path, []byte("two"), 0o644, true); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "two" {
		t.Errorf("content %q", b)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("a temporary file was left: %v", entries)
	}
}

func TestWriteFileFollowsSymlinks(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "real.tf")
	link := filepath.Join(dir, "link.tf")
	os.WriteFile(target, []byte("old"), 0o644)
	os.Symlink("real.tf", link)
	if err := WriteFile(link, []byte("new"), 0o644, false); !errors.Is(err, ErrExists) || !strings.Contains(err.Error(), target) {
		t.Errorf("the link's target exists, and the message names it: %v", err)
	}
	if err := WriteFile(link, []byte("new"), 0o644, true); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Lstat(link); fi.Mode()&os.ModeSymlink == 0 {
		t.Error("the link was replaced by a file; its target should be written")
	}
	if b, _ := os.ReadFile(target); string(b) != "new" {
		t.Errorf("target holds %q", b)
	}
	dangling := filepath.Join(dir, "dangling.tf")
	os.Symlink("later.tf", dangling)
	if err := WriteFile(dangling, []byte("x"), 0o644, false); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "later.tf")); string(b) != "x" {
		t.Error("a link to a file not there yet writes that file")
	}
	if err := WriteFile(dir, []byte("x"), 0o644, true); err == nil || !strings.Contains(err.Error(), "is a folder") {
		t.Errorf("a folder: %v", err)
	}
}

// TestWriteFileLeavesNothingWhenKilled kills a process while its data is
// written and not yet in place: the folder must stay empty.
func TestWriteFileLeavesNothingWhenKilled(t *testing.T) {
	if dir := os.Getenv("SGWIZ_WRITE_HELPER"); dir != "" {
		beforeLink = func() { os.Stdout.WriteString("written\n"); select {} }
		_ = WriteFile(filepath.Join(dir, "sg.tf"), []byte(strings.Repeat("x", 1<<20)), 0o644, os.Getenv("SGWIZ_FORCE") != "")
		return
	}
	for _, force := range []string{"", "1"} {
		dir := t.TempDir()
		cmd := exec.Command(os.Args[0], "-test.run", "^TestWriteFileLeavesNothingWhenKilled$")
		cmd.Env = append(os.Environ(), "SGWIZ_WRITE_HELPER="+dir, "SGWIZ_FORCE="+force)
		out, _ := cmd.StdoutPipe()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		line, _ := bufio.NewReader(out).ReadString('\n')
		if line != "written\n" {
			cmd.Process.Kill()
			t.Fatalf("the helper did not reach the write: %q", line)
		}
		cmd.Process.Kill()
		cmd.Wait()
		if entries, _ := os.ReadDir(dir); len(entries) != 0 {
			t.Errorf("force=%q: killed while writing, it left %v", force, entries)
		}
	}
}

// TestWriteFileWritesDevicesAndPipesInPlace: a FIFO, and a pipe named as
// /dev/stdout names it (/proc/self/fd/N), get the data and stay what they
// are, with --force or without; a socket is refused.
func TestWriteFileWritesDevicesAndPipesInPlace(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	got := make(chan []byte)
	go func() {
		f, err := os.Open(fifo)
		if err != nil {
			got <- nil
			return
		}
		b, _ := io.ReadAll(f)
		f.Close()
		got <- b
	}()
	if err := WriteFile(fifo, []byte("through the fifo"), 0o644, true); err != nil {
		t.Fatal(err)
	}
	select {
	case b := <-got:
		if string(b) != "through the fifo" {
			t.Errorf("the FIFO's reader got %q", b)
		}
	case <-time.After(5 * time.Second):
		t.Error("the FIFO's reader got nothing: it was replaced")
	}
	if fi, err := os.Lstat(fifo); err != nil || fi.Mode()&fs.ModeNamedPipe == 0 {
		t.Errorf("the FIFO was replaced: %v %v", fi.Mode(), err)
	}

	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if err := WriteFile(fmt.Sprintf("/proc/self/fd/%d", w.Fd()), []byte("to standard output"), 0o644, false); err != nil {
		t.Fatal(err)
	}
	w.Close()
	if b, _ := io.ReadAll(r); string(b) != "to standard output" {
		t.Errorf("the pipe got %q", b)
	}

	sock := filepath.Join(dir, "sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if err := WriteFile(sock, []byte("x"), 0o644, true); err == nil || !strings.Contains(err.Error(), "is a socket, not a file") {
		t.Errorf("a socket: %v", err)
	}
}
