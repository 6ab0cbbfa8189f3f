-- 0022: the hours of packed days are no longer stored (issue 18). agg_hour
-- nearly equalled the series it summarised (1.7 GB of a 4 GB district-year);
-- HourlyAggregates now folds the hours of days before the packing watermark
-- from the packed series on demand, and Compact drops their rows each night.
-- The daily and monthly rows, which sum them, stay. The freed pages are
-- reused by new data (a backup copy is compact at once).
DELETE FROM agg_hour WHERE start < (SELECT CAST(value AS INTEGER) FROM settings WHERE key = 'readings.compacted_before');
