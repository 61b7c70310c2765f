"""Heard: feedback from children, young people and parents to the teams who help them."""
