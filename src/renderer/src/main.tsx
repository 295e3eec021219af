import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './App'
import { getApi, onApiReconnect, pageToken } from './api'
import { SeriesStore } from './charts/series-store'
import { TopicStatsStore } from './stats/topic-stats'
import './styles.css'

const root = document.getElementById('root')
if (!root) throw new Error('index.html has no #root element')

createRoot(root).render(
  <StrictMode>
    <App
      api={getApi()}
      store={new SeriesStore()}
      stats={new TopicStatsStore()}
      onReconnect={onApiReconnect}
      token={pageToken()}
    />
  </StrictMode>
)
