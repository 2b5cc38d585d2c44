"""Excel import of producers and products, and exports of the filtered lists (owned by the Excel work)."""
