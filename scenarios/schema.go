package scenarios

import (
	"bytes"
	"encoding/json"
	"sort"
	"strings"

	"github.com/smetsim/smetsim/simulator/srv"
)

// Schema returns a JSON Schema (draft 2020-12) of the scenario format, for editors: completion
// of keys, the SRV variants, step kinds, device properties, HAN actions and fault kinds. It
// checks shape only; Load checks meaning (that devices exist, that a CV suits the SRV …). Where
// a value may be a ${variable}, the schema takes either a listed value or a reference.
func Schema() []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // keep "<" and "&&" readable in descriptions and the op list
	enc.SetIndent("", "  ")
	if err := enc.Encode(schema()); err != nil {
		panic(err) // the schema is built from maps of plain values
	}
	return b.Bytes()
}

type obj = map[string]any

// varRef matches a value that is, or holds, a ${variable} reference.
const varRef = `\$\{[A-Za-z_][A-Za-z0-9_]*\}`

// orVariable allows a listed value or a ${variable}.
func orVariable(values []string, desc string) obj {
	return obj{"description": desc, "anyOf": []any{
		obj{"enum": values},
		obj{"type": "string", "pattern": varRef},
	}}
}

func ref(name string) obj { return obj{"$ref": "#/$defs/" + name} }

func strictObject(props obj, required ...string) obj {
	o := obj{"type": "object", "properties": props, "additionalProperties": false}
	if len(required) > 0 {
		o["required"] = required
	}
	return o
}

func str(desc string) obj { return obj{"type": "string", "description": desc} }

func schema() obj {
	props := make([]string, 0, len(Properties))
	for p := range Properties {
		props = append(props, p)
	}
	sort.Strings(props)
	ops := make([]string, len(Ops))
	for i, o := range Ops {
		ops[i] = string(o)
	}
	kinds := kindNames()
	oneStep := make([]any, len(kinds))
	for i, k := range kinds {
		oneStep[i] = obj{"required": []string{k}}
	}
	stepProps := obj{
		"name":    str("a label for reports"),
		"foreach": obj{"type": "array", "minItems": 1, "items": ref("row"), "description": "run the step once per row, with the row's variables"},
		"send":    ref("send"),
		"expect":  ref("expectStep"),
		"device":  ref("device"),
		"han":     ref("han"),
		"advance": ref("advance"),
		"fault":   ref("fault"),
	}
	step := strictObject(stepProps)
	step["oneOf"] = oneStep
	step["description"] = "one step: exactly one of " + strings.Join(kinds, ", ")
	scalar := obj{"type": []string{"string", "number", "boolean"}}
	return obj{
		"$schema":     "https://json-schema.org/draft/2020-12/schema",
		"title":       "smetsim scenario",
		"description": "A smetsim scenario (docs/scenarios.md): service requests sent as DCC Users, checks of answers, responses, alerts and devices, HAN actions, virtual time and faults.",
		"type":        "object",
		"properties": obj{
			"name":        obj{"type": "string", "minLength": 1, "description": "unique within a suite"},
			"description": str("free text"),
			"tags":        obj{"type": "array", "items": obj{"type": "string", "pattern": tagPattern.String()}, "description": "words for --tags expressions"},
			"fleet": obj{"description": "a fixture fleet name (default), a fleet file path relative to the scenario (*.yaml), or an inline fleet (docs/fleets.md)",
				"anyOf": []any{obj{"type": "string", "minLength": 1}, ref("fleet")}},
			"users":      obj{"type": "object", "additionalProperties": ref("eui"), "description": "extra user aliases: {alias: EUI-64}; built in: supplier, distributor, transporter, other"},
			"variables":  ref("row"),
			"parameters": obj{"type": "array", "minItems": 1, "items": ref("row"), "description": "each row is its own test case"},
			"ppc_open":   obj{"type": "array", "items": obj{"type": "string"}, "description": "PPC list entries whose test is open while the scenario runs"},
			"setup":      obj{"type": "array", "items": ref("step")},
			"steps":      obj{"type": "array", "minItems": 1, "items": ref("step")},
			"teardown":   obj{"type": "array", "items": ref("step"), "description": "runs even when a step failed"},
		},
		"required":             []string{"name", "steps"},
		"additionalProperties": false,
		"$defs": obj{
			"eui":      obj{"type": "string", "pattern": `^[0-9A-Fa-f]{2}([-:]?[0-9A-Fa-f]{2}){7}$`, "description": "an EUI-64 Device ID, such as 00-DB-12-34-56-78-90-A0"},
			"duration": obj{"type": "string", "pattern": `^([0-9]+d)?([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))*$`, "minLength": 2, "description": "a duration such as 90s, 30m, 1h30m or 2d"},
			"row":      obj{"type": "object", "propertyNames": obj{"pattern": namePattern.String()}, "additionalProperties": scalar, "description": "variable name → value"},
			"op":       obj{"enum": ops, "description": "the comparisons a check may start with"},
			"check": obj{"type": []string{"string", "number", "boolean"},
				"description": "a value (equality) or a comparison: \"> 0\", \">= 12.5\", \"!= 0\", \"~ ^1\\\\.4\" (regular expression), \"contains Economy\", \"exists\", \"absent\" (response fields); ops: " + strings.Join(ops, ", ")},
			"step": step,
			"send": strictObject(obj{
				"srv":        orVariable(srv.Variants(), "Service Reference Variant; quote it (\"7.2\")"),
				"as":         str("user alias"),
				"to":         str("device reference (<premises>.<KIND> or an EUI-64), or DCC for non-device SRVs"),
				"cv":         obj{"type": "integer", "minimum": 1, "maximum": 9, "description": "command variant; default: 8 non-device, 4 then 5 critical, 1 otherwise"},
				"body":       obj{"description": "XML without prefixes, or a mapping (\"@attr\" attributes, \"#text\" text, lists repeat)", "type": []string{"string", "object"}},
				"execute_at": str("future-dated: an RFC 3339 instant or +duration"),
				"top_up":     obj{"type": []string{"string", "number"}, "description": "2.2 only, instead of a body: an amount (pounds); the runner makes a UTRN for it with the meter's key"},
				"expect":     ref("sendExpect"),
			}, "srv", "as"),
			"sendExpect": strictObject(obj{
				"code":        ref("code"),
				"response":    ref("response"),
				"no_response": obj{"type": "boolean"},
				"alerts":      ref("alerts"),
				"within":      ref("duration"),
			}),
			"expectStep": func() obj {
				o := strictObject(obj{"alerts": ref("alerts"), "within": ref("duration"),
					"scheduled": strictObject(obj{
						"srv":    orVariable(srv.Variants(), "the SRV the scheduled read carries"),
						"code":   ref("code"),
						"fields": obj{"type": "object", "additionalProperties": ref("check")},
					}),
					"no_scheduled": obj{"type": "boolean"},
				})
				o["anyOf"] = []obj{{"required": []string{"alerts"}}, {"required": []string{"scheduled"}}, {"required": []string{"no_scheduled"}}}
				return o
			}(),
			"code": obj{"type": "string", "pattern": codePattern.String(), "description": "a DUIS response code: I0, I99, E19 …"},
			"alerts": obj{"type": "array", "minItems": 1, "items": obj{"type": []string{"string", "integer"}, "pattern": alertPattern.String()},
				"description": "device alerts as 4 hex digits (\"8F1C\"), DCC alerts such as AD1 or N42"},
			"response": strictObject(obj{
				"code":   ref("code"),
				"fields": obj{"type": "object", "additionalProperties": ref("check"), "description": "path (element local names from the payload's root, Name[2] for the second of that name, @name for an attribute) → check"},
				"save":   obj{"type": "object", "additionalProperties": obj{"type": "string"}, "description": "name → path: keeps the value for later checks of the case, written @{name}"},
			}),
			"device": obj{"type": "object", "minProperties": 1, "description": "device reference → {property: check}",
				"additionalProperties": obj{"type": "object", "minProperties": 1, "propertyNames": obj{"enum": props}, "additionalProperties": ref("check")}},
			"han": strictObject(obj{
				"action": orVariable(HANActions, "what the consumer or installer does"),
				"device": str("the PPMID (top_up, emergency_credit, enable_supply), a meter (enable_supply at the meter) or the GSME (wake)"),
				"fuel":   orVariable(Fuels, "for PPMID actions; default electricity"),
				"amount": obj{"type": []string{"string", "number"}, "description": "£ for top_up"},
				"utrn":   obj{"type": []string{"string", "integer"}, "description": "a UTRN (20 digits) instead of an amount"},
			}, "action", "device"),
			"advance": obj{"description": "a duration, or one of {by, to, wake_of}", "anyOf": []any{
				ref("duration"),
				obj{"type": "object", "minProperties": 1, "maxProperties": 1, "additionalProperties": false, "properties": obj{
					"by": ref("duration"), "to": str("an RFC 3339 instant"), "wake_of": str("a GSME: to just after its next wake-up"),
				}},
			}},
			"fault": strictObject(obj{
				"device":  str("device reference"),
				"kind":    orVariable(FaultKinds, "how the device misbehaves"),
				"for":     ref("duration"),
				"latency": ref("duration"),
				"every":   obj{"type": "integer", "minimum": 1},
			}, "device", "kind"),
			"fleet": strictObject(obj{
				"name":            obj{"type": "string"},
				"description":     obj{"type": "string"},
				"seed":            obj{"type": "integer", "minimum": 0},
				"start":           obj{"type": "string"},
				"tariffs":         obj{"type": "object"},
				"non_disablement": obj{"type": "object"},
				"premises":        obj{"type": "array", "items": obj{"type": "object"}},
				"generate":        obj{"type": "array", "items": obj{"type": "object"}},
			}, "name"),
		},
	}
}
