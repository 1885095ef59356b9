/** Service of the OpenSearch nodes, named by the chart after `clusterName` and `nodeGroup`. */
export const OPENSEARCH_SERVICE = 'opensearch-cluster-master';
export const OPENSEARCH_HTTP_PORT = 9200;
export const OPENSEARCH_TRANSPORT_PORT = 9300;
/** Service of OpenSearch Dashboards, named by the chart after the release. */
export const DASHBOARDS_SERVICE = 'opensearch-dashboards';
export const DASHBOARDS_PORT = 5601;
