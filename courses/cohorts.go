package courses

import "github.com/gofiber/fiber/v2"

// cohortRoutes mounts the cohort pages and API (placeholder until built).
func (h *Handler) cohortRoutes(app, api fiber.Router, staff fiber.Handler) {}
