// Package geo holds the little geography the map needs: Beijing's bounding
// box, the GCJ-02 datum that Chinese web maps use and its inverse, and the
// district boundaries as polygons read from a plain GeoJSON. It is pure and
// depends on the standard library only, so the registry import, the map view
// and the boundary generator share one definition of each.
package geo
