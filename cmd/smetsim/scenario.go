package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/smetsim/smetsim/scenarios"
)

func newScenarioCmd(io *IOStreams, g *globalOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "scenario",
		Short: "Check scenario files and print their JSON Schema",
	}
	cmd.AddCommand(newScenarioValidateCmd(io, g), newScenarioSchemaCmd(io))
	return cmd
}

type scenarioValidateOptions struct {
	list bool
}

func newScenarioValidateCmd(io *IOStreams, g *globalOptions) *cobra.Command {
	opts := &scenarioValidateOptions{}
	cmd := &cobra.Command{
		Use:   "validate PATH...",
		Short: "Check scenario files and folders without running them",
		Long: `Load scenario files (a folder means every *.yaml and *.yml under it) and check everything a run
would: keys and types, SRVs and command variants, user aliases, that every device a step names is
in the scenario's fleet and has the property it checks, HAN actions, faults, durations,
comparisons and that every ${variable} has a value in every test case. Every mistake of every
file is printed as file:line:col: field: message.

Exit code 0: all valid; 2: mistakes found (or a path cannot be read). The format is
docs/scenarios.md.`,
		Example: `  smetsim scenario validate fixtures/scenarios/smoke
  smetsim scenario validate my-suite/ extra.yaml
  smetsim scenario validate --list my-suite/      # and print each test case's ID and name`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return runScenarioValidate(io, opts, g, args) },
	}
	cmd.Flags().BoolVar(&opts.list, "list", false, "print each test case's ID and name after the summary")
	return cmd
}

func runScenarioValidate(io *IOStreams, opts *scenarioValidateOptions, g *globalOptions, paths []string) error {
	loader := &scenarios.Loader{}
	if g.fixtures != "" {
		fsys, err := g.fixturesFS()
		if err != nil {
			return err
		}
		loader.Fixtures = fsys
	}
	scs, err := loader.LoadFiles(paths...)
	if err != nil {
		var le *scenarios.LoadError
		if !errors.As(err, &le) {
			return badInputf("%v", err)
		}
		files := map[string]bool{}
		for _, e := range le.Errors {
			fmt.Fprintln(io.ErrOut, e)
			files[e.File] = true
		}
		return badInputf("%s in %s", plural(len(le.Errors), "mistake"), plural(len(files), "file"))
	}
	cases := scenarios.Cases(scs)
	for _, p := range paths {
		n, m := 0, 0
		for _, sc := range scs {
			if within(sc.File, p) {
				n++
			}
		}
		for _, c := range cases {
			if within(c.Scenario.File, p) {
				m++
			}
		}
		fmt.Fprintf(io.Out, "%s: %s, %s, valid\n", p, plural(n, "scenario"), plural(m, "test case"))
	}
	if opts.list {
		for _, c := range cases {
			fmt.Fprintf(io.Out, "%s\t%s\n", c.ID, c.Name)
		}
	}
	return nil
}

// within reports whether a scenario file was found under a path given on the command line.
func within(file, path string) bool {
	if file == path {
		return true
	}
	st, err := os.Stat(path)
	if err != nil || !st.IsDir() {
		return false
	}
	return strings.HasPrefix(file, strings.TrimSuffix(path, string(filepath.Separator))+string(filepath.Separator))
}

func plural(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}

func newScenarioSchemaCmd(io *IOStreams) *cobra.Command {
	return &cobra.Command{
		Use:   "schema",
		Short: "Print the JSON Schema of the scenario format, for editors",
		Long: `Print a JSON Schema (draft 2020-12) of the scenario format: key completion, the SRV variants,
step kinds, device properties, HAN actions and fault kinds. It checks shape only; "smetsim scenario
validate" checks meaning too.`,
		Example: `  smetsim scenario schema > scenario.schema.json
  # VS Code with the YAML extension, in .vscode/settings.json:
  #   "yaml.schemas": {"./scenario.schema.json": "scenarios/**/*.yaml"}`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			_, err := io.Out.Write(scenarios.Schema())
			return err
		},
	}
}
