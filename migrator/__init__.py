"""migrator: move Kubernetes estates to AWS ECS Fargate.

Four stages, one direction: load (files -> located documents) -> model (frozen
dataclasses) -> map (pure functions -> plan + findings) -> emit / verify.
"""

__version__ = "0.1.0"
