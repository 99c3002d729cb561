enum _PlaceholderDatasets {}
