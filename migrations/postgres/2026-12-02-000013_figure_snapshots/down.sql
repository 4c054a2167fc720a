DROP TABLE figure_snapshots;
