"""Orchestration: plan the targets, build each, diagnose failures, publish atomically."""
