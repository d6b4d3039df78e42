export { parseEnv } from './env';
export {
  loadMetricCatalogue,
  readCatalogueFile,
  MetricCatalogueError,
  METRIC_CATALOGUE_ENV,
  METRIC_QUERIES_ENV,
} from './metric-catalogue';
