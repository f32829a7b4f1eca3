"""The evidence directory of interventions, Hexagon self-assessments, toolboxes, the recommender."""
