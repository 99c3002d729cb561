enum _PlaceholderRendering {}
