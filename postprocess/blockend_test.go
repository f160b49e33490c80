package postprocess

import "testing"

func TestCutAtBlockEnd(t *testing.T) {
	runFilter(t, cutAtBlockEnd, []filterCase{
		{"closes the block, then a new function", "go", "func main() {\n\t█\n}", "f()\n}\n\nfunc g() {", "f()\n}"},
		{"closes outer blocks too", "go", "func f() {\n\tif x {\n\t\t█", "y()\n\t}\n}\n\nvar z", "y()\n\t}\n}"},
		{"a second catch", "ts", "  } catch (e) {\n    █\n  }", "log(e);\n  } catch (f) {\n    throw f;", "log(e);"},
		{"dedent in python", "python", "def f(xs):\n    for x in xs:\n        █", "g(x)\n    return 1", "g(x)"},
		{"the next declaration after a blank line", "python", "█", "def f():\n    return 1\n\ndef g():\n    pass", "def f():\n    return 1"},
		{"statements go on", "go", "func f() {\n\t█\n}", "if x {\n\t\ty()\n\t}\n\treturn z", "if x {\n\t\ty()\n\t}\n\treturn z"},
		{"end keyword kept, not the next method", "ruby", "  def a\n    █", "x\n  end\n\n  def b", "x\n  end"},
		{"end the suffix has", "ruby", "  def a\n    █\n  end", "x\n  end", "x"},
		{"closing the cursor line's own paren goes on", "go", "\tf(█)", "a,\n\t\tb)\n\tg()", "a,\n\t\tb)\n\tg()"},
		{"one line", "go", "\tf(█)", "a)", "a)"},
	})
}
