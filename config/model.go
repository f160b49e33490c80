package config

// Model configures the model backend.
type Model struct {
	// Provider: "auto" (Ollama if it answers, else the built-in model),
	// "ollama", "openai" (/v1/completions), "llamacpp" (/infill) or "builtin".
	Provider string `json:"provider"`
	// Endpoint is the server URL; empty means OLLAMA_HOST or http://127.0.0.1:11434.
	Endpoint string `json:"endpoint"`
	// Name is the model name on the server.
	Name string `json:"name"`
	// Template overrides the FIM template family chosen from Name
	// ("qwen", "codellama", "starcoder", "deepseek", "codegemma", "codestral", "granite").
	Template string `json:"template"`
	// APIKeyEnv names the environment variable holding the API key (OpenAI-compatible servers).
	APIKeyEnv   string  `json:"apiKeyEnv"`
	MaxTokens   int     `json:"maxTokens"`
	Temperature float64 `json:"temperature"`
	// KeepAlive is how long the server keeps the model loaded, e.g. "30m".
	KeepAlive string `json:"keepAlive"`
	// TimeoutMs bounds one request end to end.
	TimeoutMs int `json:"timeoutMs"`
	// Stop sequences added to the template's own.
	Stop []string `json:"stop"`
}

func defaultModel() Model {
	return Model{
		Provider:  "auto",
		Name:      "qwen2.5-coder:1.5b-base",
		APIKeyEnv: "GHOSTLINE_API_KEY",
		MaxTokens: 128,
		KeepAlive: "30m",
		TimeoutMs: 5000,
	}
}
