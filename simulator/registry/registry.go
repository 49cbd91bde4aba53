// Package registry is the product registry of one smetsim environment: the CPL, the EPC list and
// the PPC list (with the outcomes of PPC tests), read from a state directory in preference to the
// built-in fixtures, and written back by the workflows atomically, so that a crash or a kill at any
// instant leaves the previous lists or the new ones, never a mix and never half a file.
//
// It lives beside inventory rather than inside it: inventory holds the lists in memory for the
// mock DCC and knows nothing of files on disk; what a workflow commits, and how, is this package's.
package registry

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/smetsim/smetsim/fixtures"
	"github.com/smetsim/smetsim/internal/atomicfile"
	"github.com/smetsim/smetsim/simulator/catalogue"
	"github.com/smetsim/smetsim/simulator/inventory"
)

// DefaultDir is the state directory when none is given.
const DefaultDir = ".smetsim-state"

// Files of a generation of the state directory.
const (
	CPLFile     = "cpl.csv"
	EPCFile     = "epc.csv"
	PPCFile     = "ppc.csv"
	ResultsFile = "ppc-results.csv"
	// Current is the symbolic link naming the committed generation.
	Current = "current"
)

// Registry is the CPL, the EPC and PPC lists and the PPC test outcomes of an environment.
type Registry struct {
	// Dir is the state directory; changes are committed there.
	Dir string
	// Catalogue holds the Device Models and the CPL (from the state directory when it has one).
	Catalogue *catalogue.Catalogue
	// Lists are the EPC and PPC lists.
	Lists *inventory.Lists
	// Results are the PPC tests run in this environment, oldest first.
	Results []Result
	// From says where each list was read: a path in the state directory or "built-in fixtures".
	From map[string]string

	cpl []byte // the state directory's CPL file, carried into each new generation
}

// Open reads the registry: each list from Dir/current/ when the state directory has it, else
// from fsys (the fixtures: cpl.csv, epc.csv, ppc.csv). cat holds the Device Models; its CPL is
// replaced by the state directory's when there is one. A missing state directory is not an error.
func Open(dir string, fsys fs.FS, cat *catalogue.Catalogue) (*Registry, error) {
	if dir == "" {
		dir = DefaultDir
	}
	if fsys == nil {
		fsys = fixtures.FS
	}
	r := &Registry{Dir: dir, Catalogue: cat, From: map[string]string{}}
	read := func(name, fixture string) (string, []byte, error) {
		p := filepath.Join(dir, Current, name)
		data, err := os.ReadFile(p)
		if err == nil {
			r.From[name] = p
			return p, data, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return p, nil, err
		}
		if fixture == "" {
			return "", nil, nil
		}
		data, err = fs.ReadFile(fsys, fixture)
		r.From[name] = "built-in fixtures"
		return fixture, data, err
	}
	if p, data, err := read(CPLFile, ""); err != nil {
		return nil, err
	} else if data != nil {
		entries, err := catalogue.ParseCPL(p, data)
		if err != nil {
			return nil, err
		}
		c := *cat
		c.CPL = entries
		r.Catalogue, r.cpl = &c, data
	} else {
		r.From[CPLFile] = "built-in fixtures"
	}
	epcName, epc, err := read(EPCFile, fixtures.EPCFile)
	if err != nil {
		return nil, err
	}
	ppcName, ppc, err := read(PPCFile, fixtures.PPCFile)
	if err != nil {
		return nil, err
	}
	if r.Lists, err = inventory.ParseLists(epcName, epc, ppcName, ppc, r.Catalogue.Lookup); err != nil {
		return nil, err
	}
	if p, data, err := read(ResultsFile, ""); err != nil {
		return nil, err
	} else if data != nil {
		if r.Results, err = ParseResults(p, data); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// Commit writes the lists and results as a new generation of the state directory and makes it
// current in one rename: every file of the generation is written and synced before the link
// "current" is swapped, so a reader (or a process started after a crash) sees all the old files or
// all the new ones. The generation before is kept for the record; older ones are removed.
func (r *Registry) Commit(note string) error {
	var epc, ppc bytes.Buffer
	if err := r.Lists.WriteEPC(&epc, "smetsim EPC list, written by smetsim: "+note+"\nFormat: docs/registry.md."); err != nil {
		return err
	}
	if err := r.Lists.WritePPC(&ppc, "smetsim PPC list, written by smetsim: "+note+"\nFormat: docs/registry.md."); err != nil {
		return err
	}
	files := map[string][]byte{EPCFile: epc.Bytes(), PPCFile: ppc.Bytes(), ResultsFile: WriteResults(r.Results)}
	if r.cpl != nil {
		files[CPLFile] = r.cpl
	}
	return commitGeneration(r.Dir, files)
}

// Notice is what a later requester of the combination may be told about its last failed PPC
// test, as that test's policy allows: "" when nothing may be shared.
func (r *Registry) Notice(ppcID string) string {
	for i := len(r.Results) - 1; i >= 0; i-- {
		res := r.Results[i]
		if res.PPC != ppcID {
			continue
		}
		if res.Outcome != Failed {
			return ""
		}
		return SharedText(res.Policy, res.FailedSRVs)
	}
	return ""
}

// NextPPCID and NextEPCID are the next free ids of each list (PPC-0005, EPC-0006).
func (r *Registry) NextPPCID() string {
	var ids []string
	for _, e := range r.Lists.PPC() {
		ids = append(ids, e.ID)
	}
	for _, res := range r.Results {
		ids = append(ids, res.PPC) // a promoted combination's PPC id is not handed out again
	}
	return nextID("PPC-", ids)
}

// NextEPCID is the next free EPC id.
func (r *Registry) NextEPCID() string {
	var ids []string
	for _, e := range r.Lists.EPC() {
		ids = append(ids, e.ID)
	}
	return nextID("EPC-", ids)
}

func nextID(prefix string, ids []string) string {
	n := 0
	for _, id := range ids {
		if v, err := strconv.Atoi(strings.TrimPrefix(id, prefix)); err == nil && strings.HasPrefix(id, prefix) && v > n {
			n = v
		}
	}
	return fmt.Sprintf("%s%04d", prefix, n+1)
}

// commitGeneration writes files into a new generation directory and swaps the "current" link.
func commitGeneration(dir string, files map[string][]byte) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("state directory %s: %w", dir, err)
	}
	gens, err := generations(dir)
	if err != nil {
		return err
	}
	n := 1
	if len(gens) > 0 {
		n = gens[len(gens)-1] + 1
	}
	name := fmt.Sprintf("gen-%06d", n)
	tmp, err := os.MkdirTemp(dir, "."+name+".*.tmp")
	if err != nil {
		return fmt.Errorf("state directory %s: %w", dir, err)
	}
	defer os.RemoveAll(tmp) // gone after the rename; left only if something failed
	names := make([]string, 0, len(files))
	for f := range files {
		names = append(names, f)
	}
	sort.Strings(names)
	for _, f := range names {
		if err := atomicfile.Write(filepath.Join(tmp, f), files[f]); err != nil {
			return err
		}
	}
	if err := os.Rename(tmp, filepath.Join(dir, name)); err != nil {
		return fmt.Errorf("state directory %s: %w", dir, err)
	}
	if err := atomicfile.SyncDir(dir); err != nil {
		return err
	}
	link := filepath.Join(dir, "."+Current+".tmp")
	_ = os.Remove(link)
	if err := os.Symlink(name, link); err != nil {
		return fmt.Errorf("state directory %s: %w", dir, err)
	}
	if err := os.Rename(link, filepath.Join(dir, Current)); err != nil {
		return fmt.Errorf("state directory %s: %w", dir, err)
	}
	if err := atomicfile.SyncDir(dir); err != nil {
		return err
	}
	for _, g := range gens {
		if g < n-1 {
			_ = os.RemoveAll(filepath.Join(dir, fmt.Sprintf("gen-%06d", g)))
		}
	}
	return nil
}

func generations(dir string) ([]int, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("state directory %s: %w", dir, err)
	}
	var out []int
	for _, e := range ents {
		if v, ok := strings.CutPrefix(e.Name(), "gen-"); ok && e.IsDir() {
			if n, err := strconv.Atoi(v); err == nil {
				out = append(out, n)
			}
		}
	}
	sort.Ints(out)
	return out, nil
}
