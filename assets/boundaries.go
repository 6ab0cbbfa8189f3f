package assets

import _ "embed"

//go:generate go run map_gen.go

//go:embed map/beijing.geojson
var beijingGeoJSON string

// BeijingDistricts returns the outlines of Beijing's 16 districts as GeoJSON
// (map/beijing.geojson, decoded from ECharts 4.9.0 by map_gen.go; licence in
// map/LICENSE-echarts.txt). The outlines are simplified (points on a
// 1/1024-degree grid, about 100 m): right for a district overview, not for
// deciding on which side of a boundary a plant lies. Each call returns a
// fresh copy.
func BeijingDistricts() []byte { return []byte(beijingGeoJSON) }
