package assets

import _ "embed"

//go:embed factors.csv
var factorsCSV string

// FactorsCSV returns the shipped factor dictionary (code,name_zh,name_en,
// quantity,unit,type), a fresh copy each call. Parse it with store.ParseFactors;
// a user's own file overrides it through store.MergeFactors.
func FactorsCSV() []byte { return []byte(factorsCSV) }
