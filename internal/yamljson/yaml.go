package yamljson

import (
	"bytes"
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
)

// MarshalYAML returns n (a document or its root) as YAML written by
// yaml.v3 with an indent of two, the same text as one yaml.Encoder gives.
//
// yaml.v3's emitter keeps every event of a document until the document
// ends: about 35 bytes of memory for each byte written, 900 MB for the
// CloudFormation template of the largest plan sgwiz reads. So a root
// mapping is written an entry at a time, and a long block mapping or
// sequence under it a child at a time, each piece by an encoder of its own
// that is dropped when the piece is written.
func MarshalYAML(n *yaml.Node) ([]byte, error) {
	root, head := n, ""
	if n.Kind == yaml.DocumentNode && len(n.Content) == 1 {
		root, head = n.Content[0], n.HeadComment
	}
	if root.Kind != yaml.MappingNode || root.Style&yaml.FlowStyle != 0 || len(root.Content) == 0 || root.HeadComment != "" || root.LineComment != "" || root.FootComment != "" || n.FootComment != "" ||
		root.Anchor != "" || root.Tag != "" && root.Tag != "!!map" {
		return encode(n)
	}
	var b bytes.Buffer
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		entry := &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{k, v}}
		doc := &yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{entry}}
		if i == 0 {
			doc.HeadComment = head
		}
		if !splittable(k, v) {
			if err := encodeTo(&b, doc); err != nil {
				return nil, err
			}
			continue
		}
		// The key's line, written with a stand-in value that is then cut.
		entry.Content[1] = &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: "x"}
		text, err := encode(doc)
		if err != nil {
			return nil, err
		}
		line, ok := bytes.CutSuffix(text, []byte(" x\n"))
		if !ok {
			return nil, fmt.Errorf("yaml: the key line %q", text)
		}
		b.Write(line)
		b.WriteByte('\n')
		if err := AppendChildren(&b, v); err != nil {
			return nil, err
		}
	}
	return b.Bytes(), nil
}

// AppendChildren appends the children of v, a block mapping or sequence,
// as they stand under a key: indented two spaces, written a child at a
// time. A template can so be written while it is built, a part at a time.
func AppendChildren(b *bytes.Buffer, v *yaml.Node) error {
	for j := 0; j < len(v.Content); {
		piece := &yaml.Node{Kind: v.Kind, Tag: v.Tag}
		if v.Kind == yaml.MappingNode {
			piece.Content, j = v.Content[j:j+2], j+2
		} else {
			piece.Content, j = v.Content[j:j+1], j+1
		}
		text, err := encode(piece)
		if err != nil {
			return err
		}
		indent(b, text)
	}
	return nil
}

// splittable reports whether the entry k: v may be written a child of v
// at a time: v is a block mapping or sequence of many children, and no
// comment sits where the pieces join.
func splittable(k, v *yaml.Node) bool {
	return (v.Kind == yaml.MappingNode || v.Kind == yaml.SequenceNode) && v.Style&yaml.FlowStyle == 0 && len(v.Content) > 8 &&
		k.Kind == yaml.ScalarNode && k.LineComment == "" && k.FootComment == "" &&
		v.HeadComment == "" && v.LineComment == "" && v.FootComment == "" && v.Anchor == "" &&
		(v.Tag == "" || v.Tag == "!!map" || v.Tag == "!!seq")
}

// indent writes text with two spaces before each line that is not empty.
func indent(b *bytes.Buffer, text []byte) {
	for line := range strings.SplitAfterSeq(string(text), "\n") {
		if line != "\n" && line != "" {
			b.WriteString("  ")
		}
		b.WriteString(line)
	}
}

func encode(n *yaml.Node) ([]byte, error) {
	var b bytes.Buffer
	if err := encodeTo(&b, n); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func encodeTo(b *bytes.Buffer, n *yaml.Node) error {
	enc := yaml.NewEncoder(b)
	enc.SetIndent(2)
	if err := enc.Encode(n); err != nil {
		return err
	}
	return enc.Close()
}
