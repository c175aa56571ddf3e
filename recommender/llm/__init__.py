"""The LLM planner: model configuration, request understanding, the propose-verify-repair loop, narratives."""
