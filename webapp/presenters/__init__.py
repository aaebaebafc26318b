"""What pages show, worked out from the services' answers."""
