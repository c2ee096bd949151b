package model

import (
	"bytes"
)

// countGroups counts the items of a plan file's top-level groups list
// without reading the file into nodes (a 100,000-group file costs 190 MB
// and two seconds that way), so that too many groups are refused first.
// It reads the two usual shapes: JSON, and YAML in block style with
// "groups:" at the start of a line. For any other shape ok is false and
// the full reading counts. line is the line of the groups key.
func countGroups(data []byte) (n, line int, ok bool) {
	if t := bytes.TrimSpace(data); len(t) > 0 && t[0] == '{' {
		return countJSONGroups(data)
	}
	const (
		before = iota // before the groups key
		first         // after it: the first item sets the indent
		items         // counting items at that indent
	)
	state, indent := before, 0
	for no := 1; len(data) > 0; no++ {
		l := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			l, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		l = bytes.TrimRight(l, "\r")
		content := bytes.TrimLeft(l, " ")
		at := len(l) - len(content)
		if len(content) == 0 || content[0] == '#' {
			continue
		}
		item := content[0] == '-' && (len(content) == 1 || content[1] == ' ')
		switch state {
		case before:
			if at == 0 && bytes.HasPrefix(content, []byte("groups:")) {
				if rest := bytes.TrimSpace(content[len("groups:"):]); len(rest) > 0 && rest[0] != '#' {
					return 0, 0, false // a flow list or a scalar: the full reading says
				}
				state, line = first, no
			}
		case first:
			if !item {
				return 0, 0, false
			}
			state, indent, n = items, at, 1
		case items:
			if at < indent || at == indent && !item || at == 0 && (bytes.HasPrefix(l, []byte("---")) || bytes.HasPrefix(l, []byte("..."))) {
				return n, line, true
			}
			if at == indent {
				n++
			}
		}
	}
	return n, line, state == items
}

// countJSONGroups counts the groups of a JSON plan file with a scan of
// its bytes that keeps nothing: the values at depth 2 under the top-level
// key "groups". A file that is not well formed gets ok false, and the full
// reading says what is wrong.
func countJSONGroups(data []byte) (n, line int, ok bool) {
	s := jsonGroupScan{no: 1}
	for i := 0; i < len(data); i++ {
		switch c := data[i]; c {
		case '\n':
			s.no++
		case '"':
			j := jsonStringEnd(data, i)
			if j < 0 {
				return 0, 0, false
			}
			s.text(data[i+1 : j])
			i = j
		case ':':
			s.colon()
		case ',':
			s.comma()
		case '{', '[':
			s.open(c)
		case '}', ']':
			s.depth--
			if s.counting && s.depth == 1 {
				return s.n, s.line, true
			}
			if s.depth < 0 {
				return 0, 0, false
			}
		case ' ', '\t', '\r': // white space between values
		default:
			s.value()
		}
	}
	return 0, 0, false
}

// jsonGroupScan is where countJSONGroups is in a JSON plan file.
type jsonGroupScan struct {
	// depth is the nesting of objects and lists; no the line.
	depth, no int
	// last is the last string at depth 1, and key whether it may be a key
	// (no comma since); inGroups is set after the key "groups", at line.
	last          []byte
	key, inGroups bool
	line          int
	// counting is set inside the groups list, which has n items so far.
	counting bool
	n        int
}

// value notes the start of a value: at depth 2 in the groups list, its
// first item.
func (s *jsonGroupScan) value() {
	if s.counting && s.depth == 2 && s.n == 0 {
		s.n = 1
	}
}

// text notes a string: at depth 1, maybe a key.
func (s *jsonGroupScan) text(b []byte) {
	if s.depth == 1 {
		s.last, s.key = b, true
	}
	s.value()
}

func (s *jsonGroupScan) colon() {
	if s.depth == 1 && s.key {
		s.inGroups, s.line = string(s.last) == "groups", s.no
	}
}

// comma ends a value: in the groups list, one more item follows.
func (s *jsonGroupScan) comma() {
	s.key = false
	if s.counting && s.depth == 2 {
		s.n++
	}
}

// open opens an object or a list; a list under "groups" starts the count.
func (s *jsonGroupScan) open(c byte) {
	s.value()
	s.depth++
	if s.depth == 2 && s.inGroups && c == '[' {
		s.counting = true
	}
}

// jsonStringEnd returns the index of the quote that ends the JSON string
// whose opening quote is data[i], or -1 if none does.
func jsonStringEnd(data []byte, i int) int {
	j := i + 1
	for ; j < len(data) && data[j] != '"'; j++ {
		if data[j] == '\\' {
			j++
		}
	}
	if j >= len(data) {
		return -1
	}
	return j
}
