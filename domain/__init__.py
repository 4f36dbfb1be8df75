"""The domain: report months, Vietnamese text and numbers, reference data, units, targets, failures, the DTI score rules. Imports nothing of ours."""
