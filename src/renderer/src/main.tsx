import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './App'
import { getApi, onApiReconnect, pageToken } from './api'
import { DEFAULT_CAPACITY, SeriesStore } from './charts/series-store'
import { TopicStatsStore } from './stats/topic-stats'
import './styles.css'

const root = document.getElementById('root')
if (!root) throw new Error('index.html has no #root element')

const api = getApi()
// A chart that starts showing a series fetches its recent points from the core.
const store = new SeriesStore(DEFAULT_CAPACITY, (ids) =>
  api.invoke('capture:snapshot', { seriesIds: ids })
)

createRoot(root).render(
  <StrictMode>
    <App
      api={api}
      store={store}
      stats={new TopicStatsStore()}
      onReconnect={onApiReconnect}
      token={pageToken()}
    />
  </StrictMode>
)
