"""Touchpoints: where feedback is asked for, their short codes and QR codes."""
