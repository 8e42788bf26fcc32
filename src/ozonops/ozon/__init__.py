"""The Ozon Seller API: wire shapes and the spec they must follow."""
