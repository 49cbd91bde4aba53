package scenarios

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/smetsim/smetsim/devices"
	"github.com/smetsim/smetsim/fixtures"
	"github.com/smetsim/smetsim/internal/yamldoc"
	"github.com/smetsim/smetsim/simulator/catalogue"
	"github.com/smetsim/smetsim/simulator/fleet"
)

// LoadError is every mistake found in a set of scenario files, ordered by file, line and column.
// Each is printed on its own line as file:line:col: field: message.
type LoadError struct {
	Errors []*yamldoc.Error
}

func (e *LoadError) Error() string {
	lines := make([]string, len(e.Errors))
	for i, x := range e.Errors {
		lines[i] = x.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap gives the individual mistakes to errors.As and errors.Is.
func (e *LoadError) Unwrap() []error {
	out := make([]error, len(e.Errors))
	for i, x := range e.Errors {
		out[i] = x
	}
	return out
}

// BuiltinUsers are the user aliases every scenario may use in "as:": the DCC Users of the
// built-in environment (fixtures/users.yaml).
var BuiltinUsers = map[string]devices.EUI64{
	"supplier":    mustEUI("90-B3-D5-1F-30-01-00-00"),
	"distributor": mustEUI("90-B3-D5-1F-30-02-00-00"),
	"transporter": mustEUI("90-B3-D5-1F-30-03-00-00"),
	"other":       mustEUI("00-DB-12-34-56-78-00-04"),
}

func mustEUI(s string) devices.EUI64 {
	e, err := devices.ParseEUI64(s)
	if err != nil {
		panic(err)
	}
	return e
}

// DefaultFleet is the fleet of a scenario that names none: the built-in fixture fleet.
const DefaultFleet = "default"

// Loader reads scenario files. Its zero value reads fleets and Device Models from the built-in
// fixtures.
type Loader struct {
	// Fixtures holds the fixture fleets ("fleets/<name>.yaml") and the Device Models and CPL
	// (models/, cpl.csv); nil means fixtures.FS.
	Fixtures fs.FS
	// Catalogue resolves the Device Models of fleets; nil means the one in Fixtures.
	Catalogue *catalogue.Catalogue

	mu     sync.Mutex
	fleets map[string]fleetResult // fixture fleets already read, by name
}

type fleetResult struct {
	spec *fleet.Spec
	err  error
}

// defaultLoader serves Load and LoadFiles, so the built-in catalogue and fleets are read once.
var defaultLoader = &Loader{}

// Load reads the scenario files at paths in fsys (files, or folders searched recursively for
// *.yaml and *.yml in name order) and validates all of them. It returns every mistake of every
// file as a *LoadError, or the scenarios in path order.
func Load(fsys fs.FS, paths ...string) ([]*Scenario, error) {
	return defaultLoader.Load(fsys, paths...)
}

// LoadFiles is Load on the operating system's files: paths are files or folders as a command
// line gives them, and are kept as given in scenarios and errors.
func LoadFiles(paths ...string) ([]*Scenario, error) {
	return defaultLoader.LoadFiles(paths...)
}

// Load reads and validates scenario files in fsys; see the package function Load.
func (l *Loader) Load(fsys fs.FS, paths ...string) ([]*Scenario, error) {
	src := source{
		read: func(name string) ([]byte, error) { return fs.ReadFile(fsys, name) },
		join: func(file, rel string) string { return path.Join(path.Dir(file), rel) },
		list: func(root string) ([]string, error) {
			var out []string
			err := fs.WalkDir(fsys, root, func(p string, d fs.DirEntry, err error) error {
				if err != nil {
					return err
				}
				if !d.IsDir() && isScenarioFile(p) {
					out = append(out, p)
				}
				return nil
			})
			return out, err
		},
		isDir: func(name string) (bool, error) {
			st, err := fs.Stat(fsys, name)
			return err == nil && st.IsDir(), err
		},
	}
	return l.load(src, paths)
}

// LoadFiles reads and validates scenario files on disk; see the package function LoadFiles.
func (l *Loader) LoadFiles(paths ...string) ([]*Scenario, error) {
	src := source{
		read: readFileLimited,
		join: func(file, rel string) string {
			if filepath.IsAbs(rel) {
				return rel
			}
			return filepath.Join(filepath.Dir(file), filepath.FromSlash(rel))
		},
		list: func(root string) ([]string, error) {
			var out []string
			err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
				if err != nil {
					return err
				}
				if !d.IsDir() && isScenarioFile(p) {
					out = append(out, p)
				}
				return nil
			})
			return out, err
		},
		isDir: func(name string) (bool, error) {
			st, err := os.Stat(name)
			return err == nil && st.IsDir(), err
		},
	}
	return l.load(src, paths)
}

// readFileLimited reads a file, refusing one larger than a YAML document may be before reading it.
func readFileLimited(name string) ([]byte, error) {
	if st, err := os.Stat(name); err == nil && st.Size() > yamldoc.MaxSize {
		return nil, fmt.Errorf("%s is %d bytes; the limit is %d", name, st.Size(), yamldoc.MaxSize)
	}
	return os.ReadFile(name)
}

func isScenarioFile(p string) bool {
	return strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml")
}

// source is where scenario files come from: an fs.FS or the operating system.
type source struct {
	read  func(name string) ([]byte, error)
	join  func(file, rel string) string
	list  func(dir string) ([]string, error)
	isDir func(name string) (bool, error)
}

func (l *Loader) load(src source, paths []string) ([]*Scenario, error) {
	if len(paths) == 0 {
		return nil, errors.New("no scenario files given")
	}
	var (
		files []string
		seen  = map[string]bool{}
		errs  []*yamldoc.Error
	)
	for _, p := range paths {
		dir, err := src.isDir(p)
		if err != nil {
			errs = append(errs, &yamldoc.Error{File: p, Msg: notFound(err)})
			continue
		}
		found := []string{p}
		if dir {
			if found, err = src.list(p); err != nil {
				errs = append(errs, &yamldoc.Error{File: p, Msg: notFound(err)})
				continue
			}
			sort.Strings(found)
			if len(found) == 0 {
				errs = append(errs, &yamldoc.Error{File: p, Msg: "no scenario files (*.yaml, *.yml) in this folder"})
			}
		}
		for _, f := range found {
			if !seen[f] {
				seen[f] = true
				files = append(files, f)
			}
		}
	}
	var out []*Scenario
	names := map[string]*Scenario{}
	for _, f := range files {
		data, err := src.read(f)
		if err != nil {
			errs = append(errs, &yamldoc.Error{File: f, Msg: notFound(err)})
			continue
		}
		fl := &fileLoader{l: l, src: src, file: f}
		sc, nameNode := fl.parse(data)
		if sc != nil {
			if prev := names[sc.Name]; prev != nil && sc.Name != "" {
				fl.errs = append(fl.errs, nameNode.Errorf("scenario name %q is already used by %s:%d; names are unique within a suite", sc.Name, prev.File, prev.Line))
			} else {
				names[sc.Name] = sc
			}
			out = append(out, sc)
		}
		errs = append(errs, fl.errs...)
	}
	if len(errs) > 0 {
		return nil, &LoadError{Errors: sortErrors(errs)}
	}
	return out, nil
}

// notFound words a file system error without the Go operation name.
func notFound(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// sortErrors orders errors by file, line and column and drops repeats: a mistake in a step that
// every parameter row runs is one mistake.
func sortErrors(errs []*yamldoc.Error) []*yamldoc.Error {
	sort.SliceStable(errs, func(i, j int) bool {
		a, b := errs[i], errs[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Column < b.Column
	})
	out := errs[:0]
	seen := map[string]bool{}
	for _, e := range errs {
		if k := e.Error(); !seen[k] {
			seen[k] = true
			out = append(out, e)
		}
	}
	return out
}

// fileLoader reads one scenario file, collecting every mistake.
type fileLoader struct {
	l    *Loader
	src  source
	file string
	errs []*yamldoc.Error
	// badSteps are the paths of steps with ${} mistakes, left out of the per-case checks.
	badSteps []string
}

func (f *fileLoader) add(e *yamldoc.Error) { f.errs = append(f.errs, e) }

// missing is the error for a required key a mapping lacks: located at the mapping, naming the key.
func missing(n *yamldoc.Node, key, why string) *yamldoc.Error {
	e := n.Errorf("missing")
	e.Field = yamldoc.Join(n.Path, key)
	if why != "" {
		e.Msg += ": " + why
	}
	return e
}

var (
	namePattern = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	tagPattern  = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.:-]*$`)
	aliasRule   = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_-]*$`)
)

var scenarioKeys = []string{"name", "description", "tags", "fleet", "users", "variables", "parameters", "ppc_open", "setup", "steps", "teardown"}

// parse reads the file's scenario. It returns nil when the file is not a scenario at all.
func (f *fileLoader) parse(data []byte) (*Scenario, *yamldoc.Node) {
	root, err := yamldoc.Parse(f.file, data)
	if err != nil {
		var ye *yamldoc.Error
		if !errors.As(err, &ye) {
			ye = &yamldoc.Error{File: f.file, Msg: err.Error()}
		}
		f.add(ye)
		return nil, nil
	}
	if root.Kind != yamldoc.MappingNode {
		f.add(root.Errorf("wrong type: got %s, want a mapping with name, steps and the other scenario keys", root.Describe()))
		return nil, nil
	}
	sc := &Scenario{File: f.file, Line: root.Line, Users: map[string]devices.EUI64{}, Variables: map[string]string{}}
	f.checkKeys(root, scenarioKeys)
	nameNode := root.Get("name")
	if nameNode == nil {
		f.add(missing(root, "name", "give the scenario a name"))
		nameNode = root
	} else if s, ok := f.str(nameNode); ok {
		if strings.TrimSpace(s) == "" {
			f.add(nameNode.Errorf("the name is empty"))
		}
		sc.Name = s
	}
	if n := root.Get("description"); n != nil {
		sc.Description, _ = f.str(n)
	}
	if n := root.Get("tags"); n != nil {
		for _, item := range f.list(n) {
			if s, ok := f.str(item); ok {
				if !tagPattern.MatchString(s) {
					f.add(item.Errorf("%q is not a tag: a tag is letters, digits, '_', '.', ':' and '-'", s))
					continue
				}
				sc.Tags = append(sc.Tags, s)
			}
		}
	}
	if n := root.Get("users"); n != nil {
		f.users(sc, n)
	}
	for k, v := range BuiltinUsers {
		if _, ok := sc.Users[k]; !ok {
			sc.Users[k] = v
		}
	}
	if n := root.Get("variables"); n != nil {
		if row, ok := f.row(n); ok {
			sc.Variables = row.Values
		}
	}
	if n := root.Get("parameters"); n != nil {
		sc.Parameters = f.rows(n, "no rows: give at least one {name: value} row, or leave parameters out")
	}
	if n := root.Get("ppc_open"); n != nil {
		for _, item := range f.list(n) {
			if s, ok := f.str(item); ok {
				sc.PPCOpen = append(sc.PPCOpen, s)
			}
		}
	}
	sc.Fleet, sc.FleetName = f.fleet(root)
	sets := []struct {
		key string
		dst *[]Step
	}{{"setup", &sc.Setup}, {"steps", &sc.Steps}, {"teardown", &sc.Teardown}}
	for _, set := range sets {
		n := root.Get(set.key)
		if n == nil {
			continue
		}
		for _, item := range f.list(n) {
			if st, ok := f.step(item); ok {
				*set.dst = append(*set.dst, st)
			}
		}
	}
	if st := root.Get("steps"); st == nil {
		f.add(missing(root, "steps", "a scenario needs steps"))
	} else if st.Kind == yamldoc.SequenceNode && len(st.Items) == 0 {
		f.add(st.Errorf("no steps: a scenario needs at least one"))
	}
	f.checkVariables(sc)
	f.checkCases(sc)
	return sc, nameNode
}

// checkKeys reports keys of a mapping that are not in want, suggesting the nearest.
func (f *fileLoader) checkKeys(n *yamldoc.Node, want []string) {
	for i := range n.Entries {
		e := &n.Entries[i]
		if contains(want, e.Key) {
			continue
		}
		msg := fmt.Sprintf("unknown key %q; want %s", e.Key, strings.Join(want, ", "))
		if s := suggest(e.Key, want); s != "" {
			msg = fmt.Sprintf("unknown key %q (did you mean %s?); want %s", e.Key, s, strings.Join(want, ", "))
		}
		f.add(e.KeyErrorf("%s", msg))
	}
}

func contains[T comparable](xs []T, x T) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// suggest returns the word of want nearest to got, if it is a likely typo.
func suggest(got string, want []string) string {
	best, bestD := "", 3
	for _, w := range want {
		if d := editDistance(strings.ToLower(got), w); d < bestD {
			best, bestD = w, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return 64
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// str reads a string. A number or a boolean where a string is wanted is a mistake: YAML would
// read 7.10 as 7.1, so such values must be quoted.
func (f *fileLoader) str(n *yamldoc.Node) (string, bool) {
	if n.Kind != yamldoc.ScalarNode {
		f.add(n.Errorf("wrong type: got %s, want a string", n.Describe()))
		return "", false
	}
	if n.Type != yamldoc.StringScalar {
		f.add(n.Errorf("wrong type: got %s, want a string: quote it, %q", n.Describe(), n.Value))
		return "", false
	}
	return n.Value, true
}

// text reads any scalar as the text written: variables, parameters and checks take numbers and
// booleans as they are written ("10.00" stays "10.00").
func (f *fileLoader) text(n *yamldoc.Node) (string, bool) {
	if n.Kind != yamldoc.ScalarNode {
		f.add(n.Errorf("wrong type: got %s, want a single value", n.Describe()))
		return "", false
	}
	return n.Value, true
}

func (f *fileLoader) list(n *yamldoc.Node) []*yamldoc.Node {
	if n.Kind != yamldoc.SequenceNode {
		f.add(n.Errorf("wrong type: got %s, want a list", n.Describe()))
		return nil
	}
	return n.Items
}

func (f *fileLoader) mapping(n *yamldoc.Node, want string) bool {
	if n.Kind != yamldoc.MappingNode {
		f.add(n.Errorf("wrong type: got %s, want %s", n.Describe(), want))
		return false
	}
	return true
}

// rows reads a list of {name: value} rows (parameters, a step's foreach); an empty list gets
// empty (the error for it), an empty row its own error.
func (f *fileLoader) rows(n *yamldoc.Node, empty string) []Row {
	items := f.list(n)
	if n.Kind == yamldoc.SequenceNode && len(items) == 0 {
		f.add(n.Errorf("%s", empty))
	}
	var out []Row
	for _, item := range items {
		if row, ok := f.row(item); ok {
			if len(row.Values) == 0 {
				f.add(item.Errorf("an empty row: give its variables as {name: value}"))
				continue
			}
			out = append(out, row)
		}
	}
	return out
}

// row reads a mapping of variable names to values.
func (f *fileLoader) row(n *yamldoc.Node) (Row, bool) {
	row := Row{Values: map[string]string{}, Line: n.Line}
	if !f.mapping(n, "a mapping of variable names to values") {
		return row, false
	}
	for i := range n.Entries {
		e := &n.Entries[i]
		if !namePattern.MatchString(e.Key) {
			f.add(e.KeyErrorf("%q is not a variable name: letters, digits and '_', not starting with a digit", e.Key))
			continue
		}
		if e.Value.Kind == yamldoc.NullNode {
			f.add(e.Value.Errorf("no value: write \"\" for an empty one"))
			continue
		}
		if v, ok := f.text(e.Value); ok {
			row.Values[e.Key] = v
			row.Names = append(row.Names, e.Key)
		}
	}
	return row, true
}

func (f *fileLoader) users(sc *Scenario, n *yamldoc.Node) {
	if !f.mapping(n, "a mapping of user aliases to Device IDs (EUI-64)") {
		return
	}
	for i := range n.Entries {
		e := &n.Entries[i]
		if _, builtin := BuiltinUsers[e.Key]; builtin {
			f.add(e.KeyErrorf("%q is a built-in user alias; choose another name", e.Key))
			continue
		}
		if !aliasRule.MatchString(e.Key) {
			f.add(e.KeyErrorf("%q is not a user alias: letters, digits, '_' and '-', starting with a letter", e.Key))
			continue
		}
		s, ok := f.str(e.Value)
		if !ok {
			continue
		}
		eui, err := devices.ParseEUI64(s)
		if err != nil {
			f.add(e.Value.Errorf("%v", err))
			continue
		}
		sc.Users[e.Key] = eui
	}
}

// fleet reads the scenario's fleet: a fixture name, a path relative to the scenario, or inline.
func (f *fileLoader) fleet(root *yamldoc.Node) (*fleet.Spec, string) {
	n := root.Get("fleet")
	if n == nil {
		spec, err := f.l.fixtureFleet(DefaultFleet)
		if err != nil {
			f.add(root.Errorf("the default fleet cannot be read: %v", err))
		}
		return spec, DefaultFleet
	}
	cat, err := f.l.catalogue()
	if err != nil {
		f.add(n.Errorf("the Device Model catalogue cannot be read: %v", err))
		return nil, ""
	}
	switch n.Kind {
	case yamldoc.MappingNode:
		spec, err := fleet.ParseSpecNode(n, cat)
		if err != nil {
			f.addErr(n, err)
			return nil, ""
		}
		return spec, "inline fleet " + spec.Name
	case yamldoc.ScalarNode:
	default:
		f.add(n.Errorf("wrong type: got %s, want a fixture fleet name, a fleet file path or an inline fleet", n.Describe()))
		return nil, ""
	}
	ref, ok := f.str(n)
	if !ok {
		return nil, ""
	}
	if isFleetPath(ref) {
		p := f.src.join(f.file, ref)
		data, err := f.src.read(p)
		if err != nil {
			f.add(n.Errorf("fleet file %s: %s", p, notFound(err)))
			return nil, ""
		}
		spec, err := fleet.ParseSpec(p, data, cat)
		if err != nil {
			f.addErr(n, err)
			return nil, ""
		}
		return spec, p
	}
	spec, err := f.l.fixtureFleet(ref)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			f.add(n.Errorf("no fixture fleet %q (fixtures/fleets/%s.yaml); a fleet file path ends in .yaml or .yml", ref, ref))
		} else {
			f.addErr(n, err)
		}
		return nil, ""
	}
	return spec, ref
}

// addErr adds an error from another reader, keeping its location if it has one.
func (f *fileLoader) addErr(at *yamldoc.Node, err error) {
	var ye *yamldoc.Error
	if errors.As(err, &ye) {
		f.add(ye)
		return
	}
	f.add(at.Errorf("%v", err))
}

// isFleetPath tells a fleet file path from a fixture fleet name.
func isFleetPath(ref string) bool {
	return strings.HasSuffix(ref, ".yaml") || strings.HasSuffix(ref, ".yml") || strings.ContainsAny(ref, `/\`)
}

func (l *Loader) fixtures() fs.FS {
	if l.Fixtures != nil {
		return l.Fixtures
	}
	return fixtures.FS
}

func (l *Loader) catalogue() (*catalogue.Catalogue, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.Catalogue == nil {
		cat, err := catalogue.Load(l.fixtures(), fixtures.ModelsDir, fixtures.CPLFile)
		if err != nil {
			return nil, err
		}
		l.Catalogue = cat
	}
	return l.Catalogue, nil
}

// fixtureFleet reads a fixture fleet by name, once per Loader.
func (l *Loader) fixtureFleet(name string) (*fleet.Spec, error) {
	if !tagPattern.MatchString(name) || strings.Contains(name, "..") {
		return nil, fmt.Errorf("%q is not a fixture fleet name: %w", name, fs.ErrNotExist)
	}
	cat, err := l.catalogue()
	if err != nil {
		return nil, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if r, ok := l.fleets[name]; ok {
		return r.spec, r.err
	}
	spec, err := fleet.LoadSpec(l.fixtures(), "fleets/"+name+".yaml", cat)
	if l.fleets == nil {
		l.fleets = map[string]fleetResult{}
	}
	l.fleets[name] = fleetResult{spec, err}
	return spec, err
}
