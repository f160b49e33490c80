package engine

import "testing"

func TestOffset(t *testing.T) {
	text := "ab\nçdé\n\nlast"
	tests := []struct {
		line, col int
		want      int
		wantErr   bool
	}{
		{1, 1, 0, false},
		{1, 3, 2, false},
		{1, 99, 2, false}, // clamped to line end
		{2, 2, 5, false},  // after the two-byte ç
		{2, 4, 8, false},  // end of "çdé"
		{3, 1, 9, false},
		{4, 5, 14, false},
		{5, 1, 0, true},
		{0, 1, 0, true},
	}
	for _, tt := range tests {
		got, err := Offset(text, tt.line, tt.col)
		if (err != nil) != tt.wantErr || (!tt.wantErr && got != tt.want) {
			t.Errorf("Offset(%d:%d) = %d, %v; want %d, err %v", tt.line, tt.col, got, err, tt.want, tt.wantErr)
		}
	}
}
