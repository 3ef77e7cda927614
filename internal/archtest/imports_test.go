package archtest

import (
	"bufio"
	"go/build"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
)

const module = "github.com/kneetrack/kneetrack"

// rule is one row of the package table in docs/architecture.md.
type rule struct {
	line  int
	allow []string // kneetrack packages it may import, relative to the module
}

// tableRow matches a row of the package table: | `internal/x` | ... | `a`, `b` |.
var tableRow = regexp.MustCompile("^\\|\\s*`([a-z0-9/]+)`\\s*\\|(.*)\\|([^|]*)\\|\\s*$")

// readRules parses the package table of docs/architecture.md.
func readRules(t *testing.T, path string) map[string]rule {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("reading the architecture document: %v", err)
	}
	defer f.Close()
	rules := map[string]rule{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		m := tableRow.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		pkg := m[1]
		if _, dup := rules[pkg]; dup {
			t.Errorf("%s:%d: %s is listed twice", path, n, pkg)
		}
		r := rule{line: n}
		for _, a := range regexp.MustCompile("`([a-z0-9/]+)`").FindAllStringSubmatch(m[3], -1) {
			r.allow = append(r.allow, a[1])
		}
		rules[pkg] = r
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(rules) == 0 {
		t.Fatalf("%s has no package table (rows like | `internal/x` | what it owns | `internal/y` |)", path)
	}
	return rules
}

// modulePackages lists the module's package folders (relative paths) with
// their non-test imports of other kneetrack packages and of the standard
// library.
func modulePackages(t *testing.T, root string) map[string][]string {
	t.Helper()
	pkgs := map[string][]string{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			return nil
		}
		name := d.Name()
		if path != root && (strings.HasPrefix(name, ".") || name == "testdata" || name == "node_modules" || name == "tools") {
			return filepath.SkipDir
		}
		p, err := build.Default.ImportDir(path, 0)
		if err != nil {
			if _, ok := err.(*build.NoGoError); ok {
				return nil
			}
			return err
		}
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return err
		}
		pkgs[filepath.ToSlash(rel)] = p.Imports
		return nil
	})
	if err != nil {
		t.Fatalf("listing the module's packages: %v", err)
	}
	return pkgs
}

// pureAnalysis are the packages that work on plain data: no files, no
// processes, no network, no models (docs/architecture.md).
var pureAnalysis = []string{"internal/body", "internal/motion", "internal/valgus", "internal/coach", "internal/words"}

// forbiddenInAnalysis are the standard packages the analysis never needs.
var forbiddenInAnalysis = []string{"os", "os/exec", "net", "net/http", "io/fs", "syscall"}

func TestImportsFollowTheArchitecture(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	doc := filepath.Join(root, "docs", "architecture.md")
	rules := readRules(t, doc)
	pkgs := modulePackages(t, root)

	var names []string
	for p := range pkgs {
		names = append(names, p)
	}
	sort.Strings(names)
	for _, p := range names {
		r, ok := rules[p]
		if !ok {
			t.Errorf("package %s is not in the table of docs/architecture.md: add a row saying what it owns and what it may import", p)
			continue
		}
		for _, imp := range pkgs[p] {
			own, ok := strings.CutPrefix(imp, module+"/")
			if !ok {
				continue
			}
			if !slices.Contains(r.allow, own) {
				t.Errorf("%s imports %s, which docs/architecture.md:%d does not allow (may import: %s)", p, own, r.line, strings.Join(r.allow, ", "))
			}
		}
	}
	for p, r := range rules {
		if _, ok := pkgs[p]; !ok {
			t.Errorf("docs/architecture.md:%d lists %s, which does not exist", r.line, p)
		}
	}
	for _, p := range pureAnalysis {
		for _, imp := range pkgs[p] {
			if slices.Contains(forbiddenInAnalysis, imp) {
				t.Errorf("%s imports %s: the analysis works on plain data and never touches files, processes or the network", p, imp)
			}
		}
	}
}

// TestTableParsing checks the reader of the table on rows written by hand.
func TestTableParsing(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.md")
	text := "# x\n\n| package | owns | may import |\n|---|---|---|\n" +
		"| `internal/track` | keypoint tracks, read and written | `internal/atomicfile`, `internal/body` |\n" +
		"| `internal/body` | the vocabulary | — |\n" +
		"| not a package | x | y |\n"
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	rules := readRules(t, path)
	tests := []struct {
		pkg   string
		line  int
		allow []string
	}{
		{"internal/track", 5, []string{"internal/atomicfile", "internal/body"}},
		{"internal/body", 6, nil},
	}
	for _, tc := range tests {
		t.Run(tc.pkg, func(t *testing.T) {
			r, ok := rules[tc.pkg]
			if !ok {
				t.Fatalf("%s not read", tc.pkg)
			}
			if r.line != tc.line || !slices.Equal(r.allow, tc.allow) {
				t.Errorf("got line %d allow %v, want line %d allow %v", r.line, r.allow, tc.line, tc.allow)
			}
		})
	}
	if len(rules) != 2 {
		t.Errorf("read %d rows, want 2", len(rules))
	}
}
