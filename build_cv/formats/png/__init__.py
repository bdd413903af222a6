"""The PNG writer: pages of the built PDF as images, for previews."""
