DROP TABLE link_click_batches;
DROP TABLE link_clicks;
DROP TABLE links;
