package main

import "github.com/kneetrack/kneetrack/internal/models"

// resolveModelsDir returns the model folder: the flag's value when given,
// else $KNEETRACK_MODELS_DIR, else the user cache folder.
func resolveModelsDir(flag string) (string, error) {
	if flag != "" {
		return flag, nil
	}
	return models.DefaultDir()
}
