"""HTTP plumbing: security headers and checks, guests, limits, errors, compression."""
