package ui

// drivesOf names the drives set in mask, GetLogicalDrives' bit mask (bit 0
// is A:), as roots to open ("C:\").
func drivesOf(mask uint32) []string {
	var out []string
	for i := 0; i < 26; i++ {
		if mask&(1<<i) != 0 {
			out = append(out, string(rune('A'+i))+`:\`)
		}
	}
	return out
}
