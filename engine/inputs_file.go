package engine

import (
	"bytes"

	yaml "go.yaml.in/yaml/v3"
)

// ParseInputs reads people's scores from YAML: a mapping from unit code to that
// unit's Inputs (points by code, vetoes by code).
//
//	"990101":
//	  points:
//	    "3": {score: 2.5, justification: 党组会议纪要齐全，但缺少专题研究记录}
//	    "4": {checked: [plan, budget]}
//	  vetoes:
//	    V1: {triggered: false}
func ParseInputs(file string, data []byte) (map[string]*Inputs, error) {
	out := map[string]*Inputs{}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&out); err != nil && err.Error() != "EOF" {
		return nil, &FrameworkError{yamlProblems(file, err)}
	}
	return out, nil
}
